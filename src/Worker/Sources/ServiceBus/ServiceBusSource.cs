using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
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
/// </remarks>
public sealed class ServiceBusSource : ITagEventSource
{
    /// <summary>
    /// A handler scope takes at most this many window-fulls before it drains and returns: the SDK keeps each
    /// message received in a scope until the handler returns, so scopes must end, and each end costs one pipeline
    /// round trip without new messages.
    /// </summary>
    internal const int ScopeBudgetInWindows = 10;

    private readonly ServiceBusClient _client;
    private readonly ServiceBusSourceOptions _options;
    private readonly ILogger<ServiceBusSource> _logger;
    private readonly TimeProvider _timeProvider;

    /// <param name="client">The Service Bus client; its processor factory methods are the test seam.</param>
    /// <param name="options">The source settings.</param>
    /// <param name="logger">The source's logger.</param>
    /// <param name="timeProvider">Measures how long a handler scope has run; <see cref="TimeProvider.System"/> when null.</param>
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
    public async Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        int windowSize = _options.MaxConcurrentMessages;
        using var window = new SemaphoreSlim(windowSize, windowSize);
        var limits = new PumpLimits(
            windowSize,
            ScopeBudget: windowSize * ScopeBudgetInWindows,
            // Half the renewal period leaves the other half for draining what the scope handed out.
            MaxScopeDuration: _options.MaxAutoLockRenewal / 2,
            ReceiveWaitTime: _options.SessionsEnabled ? _options.SessionIdleTimeout : null);
        var pump = new MessagePump(onMessage, window, limits, _timeProvider, _logger, cancellationToken);

        if (_options.SessionsEnabled)
        {
            await RunSessionProcessorAsync(pump, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunProcessorAsync(pump, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunProcessorAsync(MessagePump pump, CancellationToken cancellationToken)
    {
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
            processor.ProcessErrorAsync += OnProcessErrorAsync;
            await RunUntilCancelledAsync(processor.StartProcessingAsync, processor.StopProcessingAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunSessionProcessorAsync(MessagePump pump, CancellationToken cancellationToken)
    {
        var processorOptions = new ServiceBusSessionProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            MaxConcurrentSessions = _options.MaxConcurrentSessions,
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
            processor.ProcessErrorAsync += OnProcessErrorAsync;
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

        ServiceBusLog.SourceStarted(_logger, _options.ReceiveEntityPath, _client.FullyQualifiedNamespace, _options.SessionsEnabled, _options.MaxConcurrentMessages);
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

    private Task OnProcessErrorAsync(ProcessErrorEventArgs args)
    {
        ServiceBusLog.ProcessorError(_logger, args.Exception, args.ErrorSource, args.EntityPath);
        return Task.CompletedTask;
    }
}
