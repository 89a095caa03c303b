using System.Threading.Channels;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// Runs a <see cref="ServiceBusSource"/> against the test client and plays the processor: delivers handler calls
/// with scripted receive actions and collects what the source hands to the pipeline.
/// </summary>
internal sealed class SourceHarness : IAsyncDisposable
{
    public const string Secret = "c2VjcmV0LWtleS1kby1ub3QtbG9n";

    private readonly Channel<SourceMessage> _handedOff = Channel.CreateUnbounded<SourceMessage>();
    private readonly CancellationTokenSource _stop = new();

    /// <param name="configure">Changes the options before the source is created.</param>
    /// <param name="onMessage">Runs for each message the source hands to the pipeline.</param>
    /// <param name="passStartFence">Without sessions, advance the clock past the start-up fence at once (most tests are not about it).</param>
    public SourceHarness(Action<ServiceBusSourceOptions>? configure = null, Func<SourceMessage, ValueTask>? onMessage = null, bool passStartFence = true)
    {
        Options = new ServiceBusSourceOptions
        {
            ConnectionString = $"Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey={Secret}",
            QueueName = "tag-events",
        };
        configure?.Invoke(Options);
        Source = new ServiceBusSource(Client, Microsoft.Extensions.Options.Options.Create(Options), Logger, Time);
        Run = Source.RunAsync(
            async (message, _) =>
            {
                _handedOff.Writer.TryWrite(message);
                if (onMessage is not null)
                {
                    await onMessage(message);
                }
            },
            _stop.Token);

        // The fence took its deadline and logged before its first await, so this ends it (see IntakeFence).
        if (passStartFence && !Options.SessionsEnabled)
        {
            Time.Advance(FenceDuration);
        }
    }

    /// <summary>How long the source's fence lasts with these options.</summary>
    public TimeSpan FenceDuration => Options.EntityLockDuration + IntakeFence.Margin;

    /// <summary>The arguments of the last non-session handler call.</summary>
    public ScriptedProcessMessageEventArgs? LastArgs { get; private set; }

    /// <summary>The session receiver behind <see cref="LastSessionArgs"/>.</summary>
    public RecordingSessionReceiver? LastSessionReceiver { get; private set; }

    public RecordingServiceBusClient Client { get; } = new();

    public ListLogger<ServiceBusSource> Logger { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    /// <summary>The arguments of the last session handler call.</summary>
    public ScriptedProcessSessionMessageEventArgs? LastSessionArgs { get; private set; }

    public ServiceBusSourceOptions Options { get; }

    public ServiceBusSource Source { get; }

    public Task Run { get; }

    public SettlementRecorder Recorder { get; } = new();

    public ScriptedReceiveActions Actions { get; } = new();

    public CancellationTokenSource Stop => _stop;

    public async Task StartedAsync()
    {
        Task started = Options.SessionsEnabled ? Client.SessionProcessor.Lifecycle.Started.Task : Client.Processor.Lifecycle.Started.Task;
        await started.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    /// <summary>Invokes the processor's message handler the way the SDK does for a newly received message.</summary>
    /// <param name="trigger">The message the processor received.</param>
    /// <param name="sessionLockedUntil">With sessions, the session lock's end; <c>default</c> leaves it unknown.</param>
    public async Task<Task> DeliverAsync(ServiceBusReceivedMessage trigger, DateTimeOffset sessionLockedUntil = default)
    {
        await StartedAsync();
        if (Options.SessionsEnabled)
        {
            LastSessionReceiver = new RecordingSessionReceiver(Recorder, trigger.SessionId) { LockedUntil = sessionLockedUntil };
            LastSessionArgs = new ScriptedProcessSessionMessageEventArgs(trigger, LastSessionReceiver, Actions, Client.SessionProcessor.Lifecycle.Token);
            return Client.SessionProcessor.DeliverAsync(LastSessionArgs);
        }

        LastArgs = new ScriptedProcessMessageEventArgs(trigger, new RecordingReceiver(Recorder), Actions, Client.Processor.Lifecycle.Token);
        return Client.Processor.DeliverAsync(LastArgs);
    }

    public async Task<SourceMessage> NextHandedOffAsync() => await _handedOff.Reader.ReadAsync().AsTask().WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

    public bool TryTakeHandedOff(out SourceMessage? message) => _handedOff.Reader.TryRead(out message);

    public async Task<ReceiveRequest> NextReceiveAsync() => await Actions.Requests.ReadAsync().AsTask().WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
