using System.Runtime.ExceptionServices;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Runs one processor handler invocation as an ordered pump: hands the trigger message to the pipeline, keeps
/// receiving more messages in the same scope and hands them off strictly in the order the receiver delivered them,
/// and returns only when everything it handed out has been settled, so the processor renews their locks (or the
/// session lock) all along.
/// </summary>
/// <remarks>
/// Why not one message per handler call with many concurrent calls: the SDK runs each concurrent call as its own
/// receive-then-handle loop on the shared receiver, so two messages received back to back can enter their handlers
/// in either order. The pipeline keeps each user's changes in arrival order, so arrival order must be the
/// broker's order; hence one pump per receiver (one per session) and a window of
/// <see cref="ServiceBusSourceOptions.MaxConcurrentMessages"/> unsettled messages shared by all pumps.
/// A scope ends when it is idle (a receive found nothing and nothing is outstanding), after
/// <see cref="PumpLimits.ScopeBudget"/> messages (the SDK keeps every message received in a scope until the
/// handler returns), or after <see cref="PumpLimits.MaxScopeDuration"/> (the SDK renews a session lock for a
/// limited time after accepting the session). Then it drains and, with sessions, releases the session so its next
/// scope starts with a fresh lock.
/// </remarks>
internal sealed class MessagePump
{
    private readonly Func<SourceMessage, CancellationToken, ValueTask> _onMessage;
    private readonly SemaphoreSlim _window;
    private readonly PumpLimits _limits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    /// <param name="onMessage">The pipeline's intake.</param>
    /// <param name="window">Source-wide slots, one per unsettled handed-out message; its capacity is <see cref="PumpLimits.WindowSize"/>.</param>
    /// <param name="limits">How much one scope takes and how long it waits.</param>
    /// <param name="timeProvider">Measures how long a scope has run.</param>
    /// <param name="logger">Where hand-off failures go.</param>
    /// <param name="stopping">The source's stop signal: no message is handed off once it is cancelled.</param>
    public MessagePump(
        Func<SourceMessage, CancellationToken, ValueTask> onMessage,
        SemaphoreSlim window,
        PumpLimits limits,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken stopping)
    {
        _onMessage = onMessage;
        _window = window;
        _limits = limits;
        _timeProvider = timeProvider;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>The processor's message handler body: returns once every message handed out in the scope is settled.</summary>
    public async Task RunAsync(ReceiveScope scope)
    {
        long started = _timeProvider.GetTimestamp();
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(_stopping, scope.CancellationToken);
        var handedOut = new HandedOutMessages(_window);
        ExceptionDispatchInfo? receiveFailure = null;

        IReadOnlyList<ServiceBusReceivedMessage> batch = [scope.TriggerMessage];
        int taken = 0;
        while (true)
        {
            bool handedAll = await HandOffAsync(scope, batch, handedOut, receiving.Token).ConfigureAwait(false);
            taken += batch.Count;
            bool idle = batch.Count == 0 && handedOut.Unsettled == 0;
            if (!handedAll || idle || taken >= _limits.ScopeBudget || _timeProvider.GetElapsedTime(started) >= _limits.MaxScopeDuration)
            {
                break;
            }

            try
            {
                int room = Math.Clamp(_window.CurrentCount, 1, _limits.WindowSize);
                batch = await scope.ReceiveAsync(room, _limits.ReceiveWaitTime, receiving.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (receiving.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Rethrown below, once the pipeline has settled what it holds: thrown now, the processor would
                // abandon those messages under the pipeline's feet.
                receiveFailure = ExceptionDispatchInfo.Capture(exception);
                break;
            }
        }

        await handedOut.WhenAllSettledAsync().ConfigureAwait(false);
        scope.End();
        receiveFailure?.Throw();
    }

    /// <summary>Hands the batch off in order; false when stopping cut it short (the rest is abandoned).</summary>
    private async Task<bool> HandOffAsync(ReceiveScope scope, IReadOnlyList<ServiceBusReceivedMessage> batch, HandedOutMessages handedOut, CancellationToken cancellationToken)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            if (!await TryTakeSlotAsync(cancellationToken).ConfigureAwait(false))
            {
                await AbandonNotHandedOffAsync(scope, batch, i).ConfigureAwait(false);
                return false;
            }

            ServiceBusSourceMessage message = handedOut.HandOut(batch[i], scope);
            if (!await TryHandOffAsync(message).ConfigureAwait(false))
            {
                await AbandonNotHandedOffAsync(scope, batch, i + 1).ConfigureAwait(false);
                return false;
            }
        }

        return true;
    }

    private async Task<bool> TryTakeSlotAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Gives the message to the pipeline; false when the source is stopping and the pipeline refused it.</summary>
    private async Task<bool> TryHandOffAsync(ServiceBusSourceMessage message)
    {
        try
        {
            await _onMessage(message, _stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The pipeline is shutting down and took no more: not a failure worth an error.
            await AbandonUnlessSettledAsync(message).ConfigureAwait(false);
            return false;
        }
        catch (Exception exception)
        {
            ServiceBusLog.HandOffFailed(_logger, message.MessageId, exception);
            await AbandonUnlessSettledAsync(message).ConfigureAwait(false);
            return !_stopping.IsCancellationRequested;
        }
    }

    private async Task AbandonUnlessSettledAsync(ServiceBusSourceMessage message)
    {
        if (message.IsSettled)
        {
            return;
        }

        try
        {
            await message.AbandonAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ServiceBusLog.AbandonFailed(_logger, message.MessageId, exception);
        }
    }

    /// <summary>Received but never given to the pipeline: back to the broker now rather than when the lock expires.</summary>
    private async Task AbandonNotHandedOffAsync(ReceiveScope scope, IReadOnlyList<ServiceBusReceivedMessage> batch, int from)
    {
        for (int i = from; i < batch.Count; i++)
        {
            try
            {
                await scope.AbandonAsync(batch[i]).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ServiceBusLog.AbandonFailed(_logger, batch[i].MessageId, exception);
            }
        }
    }
}
