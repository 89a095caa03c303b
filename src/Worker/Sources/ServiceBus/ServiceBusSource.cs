using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The production <see cref="ITagEventSource"/>: receives from an Azure Service Bus queue or topic subscription
/// (session-enabled or not) in peek-lock mode and hands messages to the pipeline in the order the broker delivers
/// them (per session with sessions), with at most <see cref="ServiceBusSourceOptions.MaxConcurrentMessages"/>
/// unsettled at a time. The processor renews each lock (or session lock) until the pipeline settles the message;
/// see <see cref="MessagePump"/> and <c>docs/servicebus.md</c>.
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> returns only after every message it handed out has been settled, because a Service Bus
/// settlement needs the receiver that is closed when it returns: when the token is cancelled the pipeline must
/// settle (abandon) what it still holds, and not wait for <see cref="RunAsync"/> to return first. Processors are
/// created through <see cref="ServiceBusClient.CreateProcessor(string, ServiceBusProcessorOptions)"/> and
/// <see cref="ServiceBusClient.CreateSessionProcessor(string, ServiceBusSessionProcessorOptions)"/>, the SDK's
/// own test seam.
/// <para>
/// Without sessions every intake session (each <see cref="RunAsync"/> call) starts with the fence
/// (<see cref="IntakeFence"/>): no receive before the entity's lock duration has passed, so that what an earlier
/// receiver left locked is back in the queue first; the same after the processor reports a failed receive. With
/// sessions there is no fence: the broker gives a session to one receiver at a time and redelivers its messages in
/// order.
/// </para>
/// </remarks>
public sealed class ServiceBusSource : ITagEventSource
{
    /// <summary>
    /// Without sessions a handler scope takes at most this many window-fulls before it drains and returns: the SDK
    /// keeps each message received in a scope until the handler returns, so scopes must end, and each end costs one
    /// pipeline round trip without new messages.
    /// </summary>
    internal const int ScopeBudgetInWindows = 10;

    /// <summary>
    /// With sessions a scope takes at most twice its share of the window (<c>2 × window / sessions</c>), and at
    /// least this many: a session's scope end drains only that session, the others keep flowing.
    /// </summary>
    internal const int MinSessionScopeBudget = 1_000;

    /// <summary>The most one receive asks for: a bound on one AMQP credit grant and one batch's memory.</summary>
    internal const int MaxReceiveBatch = 1_000;

    private readonly ServiceBusClient _client;
    private readonly ServiceBusSourceOptions _options;
    private readonly ILogger<ServiceBusSource> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ReceiveBacklog _backlog = new();

    /// <param name="client">The Service Bus client; its processor factory methods are the test seam.</param>
    /// <param name="options">The source settings.</param>
    /// <param name="logger">The source's logger.</param>
    /// <param name="timeProvider">Scope durations, lock ends and the fence; <see cref="TimeProvider.System"/> when null.</param>
    public ServiceBusSource(ServiceBusClient client, IOptions<ServiceBusSourceOptions> options, ILogger<ServiceBusSource> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    /// <remarks>The last receive of any session came back with as many messages as it asked for.</remarks>
    public bool BacklogWaiting => _backlog.Waiting;

    /// <inheritdoc />
    public async Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        int windowSize = _options.EffectiveMaxConcurrentMessages;
        int sessions = _options.EffectiveMaxConcurrentSessions;
        using var window = new SemaphoreSlim(windowSize, windowSize);
        var limits = new PumpLimits(
            windowSize,
            ScopeBudget: _options.SessionsEnabled
                ? Math.Max(MinSessionScopeBudget, (int)Math.Min(int.MaxValue, 2L * windowSize / sessions))
                : (int)Math.Min(int.MaxValue, (long)windowSize * ScopeBudgetInWindows),
            // Half the renewal period leaves the other half for draining what the scope handed out; past the
            // renewal period a lock is lost, and a drain does not wait for a lost message.
            MaxScopeDuration: _options.MaxAutoLockRenewal / 2,
            ReceiveWaitTime: _options.SessionsEnabled ? _options.SessionIdleTimeout : null,
            MaxReceiveBatch,
            _options.PrefetchCount);
        IntakeFence? fence = _options.SessionsEnabled
            ? null
            : new IntakeFence(_options.EntityLockDuration, _timeProvider, _logger, _options.ReceiveEntityPath);
        var facts = new MessageFacts(_options.MaxDeliveryCount, _timeProvider);
        var pump = new MessagePump(onMessage, window, limits, facts, fence, _backlog, _logger, cancellationToken);

        try
        {
            if (_options.SessionsEnabled)
            {
                await RunSessionProcessorAsync(pump, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RunProcessorAsync(pump, fence!, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _backlog.Clear();
        }
    }

    private async Task RunProcessorAsync(MessagePump pump, IntakeFence fence, CancellationToken cancellationToken)
    {
        // Before the first receive of every intake session: a crashed process, the last session's receiver or a
        // link that failed may have left messages locked, and they must come back before anything newer is taken.
        if (!await fence.WaitAsync(FenceReason.IntakeStarted, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var processorOptions = new ServiceBusProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            // One ordered pump per receiver; concurrency comes from the messages it keeps in flight (see MessagePump).
            MaxConcurrentCalls = 1,
            PrefetchCount = _options.PrefetchCount,
            MaxAutoLockRenewalDuration = _options.MaxAutoLockRenewal,
        };
        ServiceBusProcessor processor = ServiceBusSourceOptions.IsSet(_options.QueueName)
            ? _client.CreateProcessor(_options.QueueName!, processorOptions)
            : _client.CreateProcessor(_options.TopicName!, _options.SubscriptionName!, processorOptions);
        await using (processor.ConfigureAwait(false))
        {
            processor.ProcessMessageAsync += args => pump.RunAsync(new ProcessorReceiveScope(args));
            processor.ProcessErrorAsync += args => OnProcessErrorAsync(args, fence, cancellationToken);
            await RunUntilCancelledAsync(processor.StartProcessingAsync, processor.StopProcessingAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunSessionProcessorAsync(MessagePump pump, CancellationToken cancellationToken)
    {
        var processorOptions = new ServiceBusSessionProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            MaxConcurrentSessions = _options.EffectiveMaxConcurrentSessions,
            // More than one call per session would let a session's messages reach the pipeline out of order.
            MaxConcurrentCallsPerSession = 1,
            PrefetchCount = _options.PrefetchCount,
            MaxAutoLockRenewalDuration = _options.MaxAutoLockRenewal,
            SessionIdleTimeout = _options.SessionIdleTimeout,
        };
        ServiceBusSessionProcessor processor = ServiceBusSourceOptions.IsSet(_options.QueueName)
            ? _client.CreateSessionProcessor(_options.QueueName!, processorOptions)
            : _client.CreateSessionProcessor(_options.TopicName!, _options.SubscriptionName!, processorOptions);
        await using (processor.ConfigureAwait(false))
        {
            processor.ProcessMessageAsync += args => pump.RunAsync(new SessionReceiveScope(args));
            processor.ProcessErrorAsync += args => OnProcessErrorAsync(args, fence: null, cancellationToken);
            await RunUntilCancelledAsync(processor.StartProcessingAsync, processor.StopProcessingAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunUntilCancelledAsync(
        Func<CancellationToken, Task> startProcessing,
        Func<CancellationToken, Task> stopProcessing,
        CancellationToken cancellationToken)
    {
        try
        {
            await startProcessing(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        ServiceBusLog.SourceStarted(_logger, _options.ReceiveEntityPath, _client.FullyQualifiedNamespace, _options.SessionsEnabled, _options.EffectiveMaxConcurrentMessages);
        await WhenCancelledAsync(cancellationToken).ConfigureAwait(false);

        ServiceBusLog.SourceStopping(_logger, _options.ReceiveEntityPath);
        // Stopping awaits every handler, and each handler awaits the settlement of what it handed out, so the
        // caller's (cancelled) token must not cut that short.
        await stopProcessing(CancellationToken.None).ConfigureAwait(false);
        ServiceBusLog.SourceStopped(_logger, _options.ReceiveEntityPath);
    }

    private static async Task WhenCancelledAsync(CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), cancelled))
        {
            await cancelled.Task.ConfigureAwait(false);
        }
    }

    private async Task OnProcessErrorAsync(ProcessErrorEventArgs args, IntakeFence? fence, CancellationToken cancellationToken)
    {
        ServiceBusLog.ProcessorError(_logger, args.Exception, args.ErrorSource, args.EntityPath);

        // The processor's own receive loop failed (a link or connection problem) and awaits this handler before it
        // receives again: a message sent on the lost link may be locked to it, so its replacement waits the fence.
        // A failure inside a handler scope (ProcessMessageCallback) was fenced by the pump already.
        if (fence is not null && args.ErrorSource == ServiceBusErrorSource.Receive)
        {
            await fence.WaitAsync(FenceReason.ReceiveFailed, cancellationToken).ConfigureAwait(false);
        }
    }
}
