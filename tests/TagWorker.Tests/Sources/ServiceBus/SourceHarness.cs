using System.Threading.Channels;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
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

    public SourceHarness(Action<ServiceBusSourceOptions>? configure = null, Func<SourceMessage, ValueTask>? onMessage = null)
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
    }

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
    public async Task<Task> DeliverAsync(ServiceBusReceivedMessage trigger)
    {
        await StartedAsync();
        if (Options.SessionsEnabled)
        {
            var receiver = new RecordingSessionReceiver(Recorder, trigger.SessionId);
            LastSessionArgs = new ScriptedProcessSessionMessageEventArgs(trigger, receiver, Actions, Client.SessionProcessor.Lifecycle.Token);
            return Client.SessionProcessor.DeliverAsync(LastSessionArgs);
        }

        return Client.Processor.DeliverAsync(
            new ScriptedProcessMessageEventArgs(trigger, new RecordingReceiver(Recorder), Actions, Client.Processor.Lifecycle.Token));
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
