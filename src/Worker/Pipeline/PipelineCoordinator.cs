using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Planning;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Pipeline;

/// <summary>
/// The merger, barrier, planner trigger and settlement order in one place. All pipeline state is owned by a single
/// loop that reads <see cref="PipelineSignal"/>s, so no state is shared between threads: intake callbacks, call
/// completions and timers only post signals. One coordinator serves one intake session: it is drained (finish or
/// abandon) and thrown away when intake stops, so a configuration fault starts the next session from a clean slate.
/// </summary>
internal sealed class PipelineCoordinator : IAsyncDisposable
{
    private readonly Channel<PipelineSignal> _signals = Channel.CreateUnbounded<PipelineSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, UserSlot> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<UserSlot> _eligible = [];
    private readonly HashSet<UserSlot> _idleSlots = [];
    private readonly BatchPlanner _planner;
    private readonly RequestDispatcher _dispatcher;
    private readonly MessageSettler _settler;
    private readonly TagWorkerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _maxBatchDelay;
    private readonly int _maxUsersPerRequest;
    private readonly int _flushWhenCallsBelow;
    private readonly ITimer _flushTimer;
    private readonly CancellationTokenSource _hardStop = new();
    private long _timerDue = long.MaxValue;
    private int _unresolvedCalls;
    private int _trackedMessages;
    private DrainMode? _drain;
    private volatile bool _accepting = true;

    public PipelineCoordinator(
        BatchPlanner planner,
        RequestDispatcher dispatcher,
        MessageSettler settler,
        TagWorkerMetrics metrics,
        IOptions<BatchingOptions> batching,
        IOptions<ImApiOptions> imApi,
        TimeProvider timeProvider,
        ILogger<PipelineCoordinator> logger)
    {
        _planner = planner;
        _dispatcher = dispatcher;
        _settler = settler;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxBatchDelay = batching.Value.MaxBatchDelay;
        _maxUsersPerRequest = batching.Value.MaxUsersPerRequest;

        // While this many calls are unresolved the dispatcher has work queued, so full batches of eligible users wait
        // (folding further, filling requests better) until the queue runs low or MaxBatchDelay passes.
        _flushWhenCallsBelow = imApi.Value.MaxConcurrentRequests;
        _flushTimer = timeProvider.CreateTimer(static state => ((PipelineCoordinator)state!).Post(new PipelineSignal.Tick()), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Messages taken in and not yet settled (for progress reporting; read from any thread).</summary>
    public int TrackedMessages => Volatile.Read(ref _trackedMessages);

    /// <summary>Calls planned and not yet resolved (for progress reporting; read from any thread).</summary>
    public int UnresolvedCalls => Volatile.Read(ref _unresolvedCalls);

    /// <summary>Hands a valid event to the pipeline. Called by intake from any thread.</summary>
    public void Accept(SourceMessage message, TagChangeEvent tagEvent)
    {
        Interlocked.Increment(ref _trackedMessages);
        Post(new PipelineSignal.MessageAccepted(message, tagEvent));
    }

    /// <summary>Whether new messages are still welcome (false once draining started).</summary>
    public bool IsAccepting => _accepting;

    /// <summary>Asks the loop to wind down; <see cref="RunAsync"/> returns once every taken message is settled.</summary>
    public void RequestDrain(DrainMode mode)
    {
        _accepting = false;
        Post(new PipelineSignal.Drain(mode));
    }

    /// <summary>
    /// Past the shutdown deadline: calls on the wire are cancelled and whatever is unresolved is abandoned.
    /// </summary>
    public void Abort()
    {
        RequestDrain(DrainMode.Abandon);
        _hardStop.Cancel();
    }

    /// <summary>Runs the loop until a drain has settled every message taken in.</summary>
    public async Task RunAsync()
    {
        var reader = _signals.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var signal))
            {
                Handle(signal);
            }

            MaybeFlush();
            if (_drain is not null && _trackedMessages == 0 && _unresolvedCalls == 0)
            {
                break;
            }
        }

        await _settler.WhenAllSettledAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _flushTimer.DisposeAsync().ConfigureAwait(false);
        _hardStop.Dispose();
    }

    private void Post(PipelineSignal signal) => _signals.Writer.TryWrite(signal);

    private void Handle(PipelineSignal signal)
    {
        switch (signal)
        {
            case PipelineSignal.MessageAccepted accepted:
                OnMessage(accepted.Message, accepted.Event);
                break;
            case PipelineSignal.CallResolved resolved:
                OnCallResolved(resolved.Call, resolved.Outcomes);
                break;
            case PipelineSignal.Drain drain:
                OnDrain(drain.Mode);
                break;
            case PipelineSignal.Tick:
                _timerDue = long.MaxValue;
                SweepIdleSlots();
                break;
        }
    }

    private void OnMessage(SourceMessage message, TagChangeEvent tagEvent)
    {
        var tracked = new TrackedMessage(message, tagEvent.Users);
        if (_drain is DrainMode.Abandon)
        {
            // Arrived after intake stopped taking; it goes straight back.
            tracked.Abandon = true;
            tracked.Unresolved = 0;
        }

        var now = _timeProvider.GetTimestamp();
        foreach (var account in tagEvent.Users)
        {
            if (!_slots.TryGetValue(account, out var slot))
            {
                slot = new UserSlot(account);
                _slots.Add(account, slot);
            }

            slot.Unsettled.Enqueue(tracked);
            if (tracked.Abandon)
            {
                continue;
            }

            if (slot.Pending is null)
            {
                slot.Pending = new UserTagChange();
                slot.PendingSince = now;
            }

            slot.Pending.Apply(tagEvent.Op, tagEvent.Tags);
            slot.PendingMessages.Add(tracked);
            if (slot.Calls.Count == 0)
            {
                _eligible.Add(slot);
            }
        }

        if (tracked.Abandon || tagEvent.Users.Count == 0)
        {
            TrySettle(tracked);
        }
    }

    private void MaybeFlush()
    {
        if (_eligible.Count == 0 || _drain is DrainMode.Abandon)
        {
            return;
        }

        var now = _timeProvider.GetTimestamp();
        var oldest = long.MaxValue;
        foreach (var slot in _eligible)
        {
            oldest = Math.Min(oldest, slot.PendingSince);
        }

        var due = oldest + (long)(_maxBatchDelay.TotalSeconds * _timeProvider.TimestampFrequency);
        var fullBatchReady = _eligible.Count >= _maxUsersPerRequest && _unresolvedCalls < _flushWhenCallsBelow;
        if (_drain is DrainMode.Finish || fullBatchReady || now >= due)
        {
            Flush();
            return;
        }

        if (due < _timerDue)
        {
            _timerDue = due;
            _flushTimer.Change(_timeProvider.GetElapsedTime(now, due), Timeout.InfiniteTimeSpan);
        }
    }

    private void Flush()
    {
        SweepIdleSlots();
        var batch = _eligible.ToArray();
        _eligible.Clear();
        var changes = new KeyValuePair<string, UserTagChange>[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var slot = batch[i];
            changes[i] = new(slot.Account, slot.Pending!);
            slot.InFlightMessages = slot.PendingMessages;
            slot.PendingMessages = [];
            slot.Pending = null;
            slot.InFlightFailure = null;
            slot.InFlightAbandoned = false;
        }

        var calls = new List<PlannedCall>();
        foreach (var request in _planner.Plan(changes))
        {
            var call = new PlannedCall(request);
            calls.Add(call);
            foreach (var user in request.Users)
            {
                _slots[user.Account].Calls.Enqueue(call);
            }
        }

        _unresolvedCalls += calls.Count;
        Volatile.Write(ref _unresolvedCalls, _unresolvedCalls);
        foreach (var call in calls)
        {
            SendIfTurn(call);
        }

        // A fold with no effect (nothing planned for the user) is applied by definition.
        foreach (var slot in batch)
        {
            if (slot.Calls.Count == 0)
            {
                ResolveInFlightFold(slot);
            }
        }
    }

    private void SendIfTurn(PlannedCall call)
    {
        if (call.Sent)
        {
            return;
        }

        foreach (var user in call.Request.Users)
        {
            if (!ReferenceEquals(_slots[user.Account].Calls.Peek(), call))
            {
                return;
            }
        }

        call.Sent = true;
        _ = SendAsync(call);
    }

    private async Task SendAsync(PlannedCall call)
    {
        IReadOnlyList<UserOutcome> outcomes;
        try
        {
            outcomes = await _dispatcher.DispatchAsync(call.Request, _hardStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            outcomes = AbandonAll(call.Request);
        }
#pragma warning disable CA1031 // An unexpected fault must not lose the users' messages: they go back to the source.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PipelineFailed(_logger, exception);
            outcomes = AbandonAll(call.Request);
        }

        Post(new PipelineSignal.CallResolved(call, outcomes));
    }

    private static UserOutcome[] AbandonAll(TagRequest request) =>
        request.Users.Select(static u => UserOutcome.Abandoned(u.Account)).ToArray();

    private void OnCallResolved(PlannedCall call, IReadOnlyList<UserOutcome> outcomes)
    {
        _unresolvedCalls--;
        Volatile.Write(ref _unresolvedCalls, _unresolvedCalls);
        foreach (var outcome in outcomes)
        {
            var slot = _slots[outcome.Account];
            slot.Calls.Dequeue();
            switch (outcome.Kind)
            {
                case UserOutcomeKind.Failed:
                    slot.InFlightFailure ??= outcome;
                    break;
                case UserOutcomeKind.Abandoned:
                    slot.InFlightAbandoned = true;
                    break;
            }

            if (slot.Calls.Count == 0)
            {
                ResolveInFlightFold(slot);
            }
            else
            {
                SendIfTurn(slot.Calls.Peek());
            }
        }
    }

    private void ResolveInFlightFold(UserSlot slot)
    {
        var messages = slot.InFlightMessages;
        slot.InFlightMessages = [];
        foreach (var message in messages)
        {
            if (slot.InFlightAbandoned)
            {
                message.Abandon = true;
            }
            else if (slot.InFlightFailure is { } failure)
            {
                (message.Failures ??= []).Add(failure);
            }

            message.Unresolved--;
            if (message.Unresolved == 0)
            {
                TrySettle(message);
            }
        }

        if (slot.Pending is not null)
        {
            if (_drain is DrainMode.Abandon)
            {
                AbandonPending(slot);
            }
            else
            {
                _eligible.Add(slot);
            }
        }

        RemoveIfIdle(slot);
    }

    private void OnDrain(DrainMode mode)
    {
        if (_drain is DrainMode.Abandon)
        {
            return;
        }

        _drain = mode;
        Log.Draining(_logger, mode == DrainMode.Finish ? "sending what is pending, then stopping" : "abandoning what is unresolved", _eligible.Count, _unresolvedCalls);
        if (mode == DrainMode.Abandon)
        {
            // Users behind a barrier keep their pending changes until their in-flight fold resolves (see
            // ResolveInFlightFold); the others give theirs back now.
            foreach (var slot in _eligible.ToArray())
            {
                AbandonPending(slot);
            }

            _eligible.Clear();
        }
    }

    private void AbandonPending(UserSlot slot)
    {
        var messages = slot.PendingMessages;
        slot.PendingMessages = [];
        slot.Pending = null;
        foreach (var message in messages)
        {
            message.Abandon = true;
            message.Unresolved--;
            if (message.Unresolved == 0)
            {
                TrySettle(message);
            }
        }

        RemoveIfIdle(slot);
    }

    /// <summary>
    /// Settles <paramref name="first"/> if it is resolved and is the oldest unsettled message of each of its users,
    /// then every later message that this unblocks.
    /// </summary>
    private void TrySettle(TrackedMessage first)
    {
        var work = new Stack<TrackedMessage>();
        work.Push(first);
        var predecessors = new List<Task>();
        while (work.TryPop(out var message))
        {
            if (message.Settled || message.Unresolved > 0 || !IsOldestOfItsUsers(message))
            {
                continue;
            }

            message.Settled = true;
            predecessors.Clear();
            var abandon = message.Abandon;
            foreach (var account in message.Users)
            {
                var slot = _slots[account];
                abandon |= slot.Tainted;
                predecessors.Add(slot.LastSettlement);
            }

            var decision = abandon
                ? SettlementDecision.Abandon
                : message.Failures is { Count: > 0 } failures
                    ? DeadLetterDescription.For(failures, message.Users.Count)
                    : SettlementDecision.Complete;
            var settlement = _settler.SettleAfter(predecessors.ToArray(), message.Message, decision);
            Interlocked.Decrement(ref _trackedMessages);

            foreach (var account in message.Users)
            {
                var slot = _slots[account];
                slot.Unsettled.Dequeue();
                slot.LastSettlement = settlement;
                if (abandon)
                {
                    slot.Tainted = true;
                }

                if (slot.Unsettled.TryPeek(out var next))
                {
                    work.Push(next);
                }
                else
                {
                    slot.Tainted = false;
                    RemoveIfIdle(slot);
                }
            }
        }
    }

    private bool IsOldestOfItsUsers(TrackedMessage message)
    {
        foreach (var account in message.Users)
        {
            if (!ReferenceEquals(_slots[account].Unsettled.Peek(), message))
            {
                return false;
            }
        }

        return true;
    }

    private void RemoveIfIdle(UserSlot slot)
    {
        if (!slot.IsIdle || slot.InFlightMessages.Count != 0 || slot.PendingMessages.Count != 0)
        {
            return;
        }

        // The slot remembers the user's last settlement, which the user's next message must wait for; forget the
        // slot only once that settlement is done, and sweep the others later.
        if (slot.LastSettlement.IsCompleted)
        {
            _slots.Remove(slot.Account);
        }
        else
        {
            _idleSlots.Add(slot);
        }
    }

    private void SweepIdleSlots()
    {
        if (_idleSlots.Count == 0)
        {
            return;
        }

        var candidates = _idleSlots.ToArray();
        _idleSlots.Clear();
        foreach (var slot in candidates)
        {
            if (_slots.TryGetValue(slot.Account, out var current) && ReferenceEquals(current, slot))
            {
                RemoveIfIdle(slot);
            }
        }
    }
}
