using System.Runtime.ExceptionServices;
using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Runs one processor handler invocation as an ordered pump: hands the trigger message to the pipeline, keeps
/// receiving more messages in the same scope and hands them off strictly in the order the receiver delivered them,
/// and returns only when everything it handed out has been released (settled, or its lock lost), so the processor
/// renews their locks (or the session lock) all along.
/// </summary>
/// <remarks>
/// <para>
/// Why not one message per handler call with many concurrent calls: the SDK runs each concurrent call as its own
/// receive-then-handle loop on the shared receiver, so two messages received back to back can enter their handlers
/// in either order. The pipeline keeps each user's changes in arrival order, so arrival order must be the
/// broker's order; hence one pump per receiver (one per session) and a window of
/// <see cref="ServiceBusSourceOptions.MaxConcurrentMessages"/> unsettled messages shared by all pumps.
/// </para>
/// <para>
/// A scope ends when it is idle (a receive found nothing and nothing is outstanding), after
/// <see cref="PumpLimits.ScopeBudget"/> messages (the SDK keeps every message received in a scope until the
/// handler returns), after <see cref="PumpLimits.MaxScopeDuration"/> (the SDK renews a session lock for a limited time
/// after accepting the session), or when a lock is lost. Then it drains and, with sessions, releases the session so its
/// next scope starts with a fresh lock. A drain never waits for a message whose lock is lost: the pipeline does not
/// settle such a message, the broker delivers it again (with sessions, in order, to whoever takes the session next).
/// </para>
/// <para>
/// Without sessions, anything that may leave a message of this queue locked where it will not be settled makes the
/// scope fence after its drain (<see cref="IntakeFence"/>): a message that reaches hand-off with its lock (nearly)
/// expired is abandoned with everything received after it, a lost lock or a failed receive stops the taking, and the
/// handler returns only after the fence, so the processor (one call at a time) receives nothing meanwhile.
/// </para>
/// </remarks>
internal sealed class MessagePump
{
    /// <summary>
    /// A message whose lock ends sooner than this at hand-off is not handed out (without sessions). The processor
    /// renews a lock about 10 s before it ends, so a message it renews never comes this close; one that does sat
    /// unrenewed (prefetched) or its renewal failed, and the pipeline could not settle it in time.
    /// </summary>
    public static readonly TimeSpan MinLockRemainingAtHandOff = TimeSpan.FromSeconds(5);

    /// <summary>How long the stop's last receive waits for prefetched messages to abandon.</summary>
    public static readonly TimeSpan PrefetchDrainWaitTime = TimeSpan.FromSeconds(1);

    private readonly Func<SourceMessage, CancellationToken, ValueTask> _onMessage;
    private readonly SemaphoreSlim _window;
    private readonly PumpLimits _limits;
    private readonly MessageFacts _facts;
    private readonly IntakeFence? _fence;
    private readonly ReceiveBacklog _backlog;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    /// <param name="onMessage">The pipeline's intake.</param>
    /// <param name="window">Source-wide slots, one per unreleased handed-out message; its capacity is <see cref="PumpLimits.WindowSize"/>.</param>
    /// <param name="limits">How much one scope takes and how long it waits.</param>
    /// <param name="facts">The entity's max delivery count and the clock (scope duration, lock ends).</param>
    /// <param name="fence">The fence without sessions; null with sessions (the broker keeps a session's order).</param>
    /// <param name="backlog">Where each receive reports whether it came back full.</param>
    /// <param name="logger">Where hand-off failures and lock trouble go.</param>
    /// <param name="stopping">The source's stop signal: no message is handed off once it is cancelled.</param>
    public MessagePump(
        Func<SourceMessage, CancellationToken, ValueTask> onMessage,
        SemaphoreSlim window,
        PumpLimits limits,
        MessageFacts facts,
        IntakeFence? fence,
        ReceiveBacklog backlog,
        ILogger logger,
        CancellationToken stopping)
    {
        _onMessage = onMessage;
        _window = window;
        _limits = limits;
        _facts = facts;
        _fence = fence;
        _backlog = backlog;
        _logger = logger;
        _stopping = stopping;
    }

    private enum HandOffOutcome
    {
        All,
        Stopped,
        LockTooShort,
    }

    /// <summary>The processor's message handler body: returns once every message handed out in the scope is released.</summary>
    public async Task RunAsync(ReceiveScope scope)
    {
        TimeProvider time = _facts.TimeProvider;
        long started = time.GetTimestamp();
        using var lockTrouble = new CancellationTokenSource();
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(_stopping, scope.CancellationToken, lockTrouble.Token);
        using LockWatch? sessionLock = scope.IsSession ? new LockWatch(() => scope.LockedUntil(scope.TriggerMessage), time) : null;
        var run = new ScopeRun(scope, lockTrouble, sessionLock, new HandedOutMessages(_window, _facts, sessionLock));
        using CancellationTokenRegistration sessionLost = sessionLock?.Lost.UnsafeRegister(static state => ((ScopeRun)state!).OnLockLost(), run) ?? default;
        scope.OnLockLost(run.OnSdkLockLost);

        ExceptionDispatchInfo? receiveFailure = null;
        FenceReason? fenceReason = null;
        IReadOnlyList<ServiceBusReceivedMessage> batch = [scope.TriggerMessage];
        int taken = 0;
        while (true)
        {
            HandOffOutcome outcome = await HandOffAsync(run, batch, receiving.Token).ConfigureAwait(false);
            taken += batch.Count;
            if (outcome == HandOffOutcome.LockTooShort)
            {
                fenceReason = FenceReason.LockExpiredAtHandOff;
                break;
            }

            bool idle = batch.Count == 0 && run.HandedOut.Unsettled == 0;
            if (outcome != HandOffOutcome.All || idle || taken >= _limits.ScopeBudget || time.GetElapsedTime(started) >= _limits.MaxScopeDuration)
            {
                break;
            }

            try
            {
                int room = Math.Clamp(_window.CurrentCount, 1, _limits.MaxReceiveBatch);
                batch = await scope.ReceiveAsync(room, _limits.ReceiveWaitTime, receiving.Token).ConfigureAwait(false);
                _backlog.Observe(room, batch.Count);
            }
            catch (OperationCanceledException) when (receiving.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                if (exception is ServiceBusException { Reason: ServiceBusFailureReason.SessionLockLost })
                {
                    sessionLock?.Signal();
                }

                // Rethrown below, once the pipeline has settled what it holds: thrown now, the processor would
                // abandon those messages under the pipeline's feet.
                receiveFailure = ExceptionDispatchInfo.Capture(exception);
                fenceReason = FenceReason.ReceiveFailed;
                break;
            }
        }

        if (_stopping.IsCancellationRequested && !scope.IsSession && _limits.PrefetchCount > 0)
        {
            await AbandonPrefetchedAsync(scope).ConfigureAwait(false);
        }

        await run.HandedOut.WhenAllReleasedAsync().ConfigureAwait(false);
        scope.End();
        if (sessionLock is { IsLost: true })
        {
            ServiceBusLog.SessionLockLost(_logger, scope.TriggerMessage.SessionId);
        }

        if (lockTrouble.IsCancellationRequested && !scope.IsSession)
        {
            fenceReason ??= FenceReason.LockLost;
        }

        if (fenceReason is { } reason && _fence is not null && !_stopping.IsCancellationRequested)
        {
            await _fence.WaitAsync(reason, _stopping).ConfigureAwait(false);
        }

        receiveFailure?.Throw();
    }

    /// <summary>Hands the batch off in order; stops early when stopping or lock trouble cut it short (the rest is abandoned).</summary>
    private async Task<HandOffOutcome> HandOffAsync(ScopeRun run, IReadOnlyList<ServiceBusReceivedMessage> batch, CancellationToken cancellationToken)
    {
        ReceiveScope scope = run.Scope;
        for (int i = 0; i < batch.Count; i++)
        {
            if (!await TryTakeSlotAsync(cancellationToken).ConfigureAwait(false))
            {
                await AbandonNotHandedOffAsync(run, batch, i).ConfigureAwait(false);
                return HandOffOutcome.Stopped;
            }

            if (!scope.IsSession && LockTooShort(run, batch[i]) is { } lockedUntil)
            {
                _window.Release();
                ServiceBusLog.LockTooShortAtHandOff(_logger, batch[i].MessageId, batch[i].SequenceNumber, lockedUntil, MinLockRemainingAtHandOff, batch.Count - i - 1);
                await AbandonNotHandedOffAsync(run, batch, i).ConfigureAwait(false);
                return HandOffOutcome.LockTooShort;
            }

            ServiceBusSourceMessage message = run.HandedOut.HandOut(batch[i], scope, run.OnLockLost);
            if (!await TryHandOffAsync(message).ConfigureAwait(false))
            {
                await AbandonNotHandedOffAsync(run, batch, i + 1).ConfigureAwait(false);
                return HandOffOutcome.Stopped;
            }
        }

        return HandOffOutcome.All;
    }

    /// <summary>The lock's end when it is too close (or past) to hand the message out; null when it is fine.</summary>
    private DateTimeOffset? LockTooShort(ScopeRun run, ServiceBusReceivedMessage message)
    {
        if (ReferenceEquals(message, run.Scope.TriggerMessage) && run.TriggerLockLostEarly)
        {
            return message.LockedUntil;
        }

        DateTimeOffset lockedUntil = run.Scope.LockedUntil(message);
        return lockedUntil != default && lockedUntil - _facts.TimeProvider.GetUtcNow() < MinLockRemainingAtHandOff ? lockedUntil : null;
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
        if (message.IsSettled || message.LockLost.IsCancellationRequested)
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
    private async Task AbandonNotHandedOffAsync(ScopeRun run, IReadOnlyList<ServiceBusReceivedMessage> batch, int from)
    {
        // A lost session lock took them back already; the broker would refuse each abandon.
        if (run.SessionLock is { IsLost: true })
        {
            return;
        }

        for (int i = from; i < batch.Count; i++)
        {
            try
            {
                await run.Scope.AbandonAsync(batch[i], propertiesToModify: null).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ServiceBusLog.AbandonFailed(_logger, batch[i].MessageId, exception);
            }
        }
    }

    /// <summary>
    /// On stop without sessions, what the receiver prefetched would stay locked to it until the lock expires (the SDK
    /// cannot release it: azure-sdk-for-net#21869); taking one buffer-full and abandoning it puts it back now. Messages
    /// the link receives after this last look stay locked; the next intake session's start-up fence covers them.
    /// </summary>
    private async Task AbandonPrefetchedAsync(ReceiveScope scope)
    {
        IReadOnlyList<ServiceBusReceivedMessage> prefetched;
        try
        {
            prefetched = await scope.ReceiveAsync(_limits.PrefetchCount, PrefetchDrainWaitTime, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ServiceBusLog.PrefetchDrainFailed(_logger, exception);
            return;
        }

        foreach (ServiceBusReceivedMessage message in prefetched)
        {
            try
            {
                await scope.AbandonAsync(message, propertiesToModify: null).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ServiceBusLog.AbandonFailed(_logger, message.MessageId, exception);
            }
        }

        ServiceBusLog.PrefetchAbandoned(_logger, prefetched.Count);
    }

    /// <summary>One scope's shared state, reached from the lock-lost callbacks.</summary>
    private sealed class ScopeRun(ReceiveScope scope, CancellationTokenSource lockTrouble, LockWatch? sessionLock, HandedOutMessages handedOut)
    {
        private volatile bool _triggerLockLostEarly;

        public ReceiveScope Scope => scope;

        public LockWatch? SessionLock => sessionLock;

        public HandedOutMessages HandedOut => handedOut;

        /// <summary>The SDK reported the trigger's lock lost before it was handed out.</summary>
        public bool TriggerLockLostEarly => _triggerLockLostEarly;

        /// <summary>A lock of this scope is lost: stop taking messages.</summary>
        public void OnLockLost()
        {
            try
            {
                lockTrouble.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The scope is over; nothing left to stop.
            }
        }

        public void OnSdkLockLost(ServiceBusReceivedMessage? message)
        {
            if (message is null)
            {
                sessionLock?.Signal();
            }
            else if (handedOut.Trigger is { } trigger && ReferenceEquals(trigger.Received, message))
            {
                trigger.SignalLockLost();
            }
            else if (ReferenceEquals(message, scope.TriggerMessage))
            {
                _triggerLockLostEarly = true;
            }
        }
    }
}
