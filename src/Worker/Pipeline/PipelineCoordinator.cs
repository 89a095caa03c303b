using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Planning;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Pipeline;

/// <summary>
/// The loop that moves signals between the stages. Each stage's rules live in its own folder: a user's progress
/// (open fold, frozen steps, on the wire) is <c>Merging/UserProgress</c>, when to pack is
/// <c>Planning/RequestPacker</c>, what is sent and how it ended is <c>Dispatch</c>, and the order and fate of
/// settlements is <c>Settlement</c> (<see cref="RedeliveryRules"/>, <see cref="UserLedger"/>,
/// <see cref="MessageSettler"/>). All pipeline state is owned by this one loop, which reads
/// <see cref="PipelineSignal"/>s, so nothing is shared between threads: intake, call completions, settlement
/// reports, lock losses and timers only post signals.
/// <para>
/// One coordinator serves one intake session: it is drained (finish or abandon) and thrown away when intake stops
/// — on shutdown, when the configuration-fault circuit opens, and when a settlement failed and the source must
/// fence (<see cref="WhenFenceRequested"/>) so the message comes back before anything newer.
/// </para>
/// </summary>
internal sealed class PipelineCoordinator : IAsyncDisposable
{
    /// <summary>Most message spans one call's span links to (a call carries up to 100 users' folds).</summary>
    private const int MaxLinksPerCall = 32;

    /// <summary>How long a parked message may wait for the return of an older one before intake fences.</summary>
    internal static readonly TimeSpan MaxParkTime = TimeSpan.FromSeconds(30);

    private readonly Channel<PipelineSignal> _signals = Channel.CreateUnbounded<PipelineSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, UserSlot> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<UserSlot> _idleSlots = [];
    private readonly HashSet<UserSlot> _parkedUsers = [];
    private readonly TaskCompletionSource _fence = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BatchPlanner _planner;
    private readonly RequestDispatcher _dispatcher;
    private readonly MessageSettler _settler;
    private readonly TagWorkerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITagEventSource? _source;
    private readonly PipelineStatistics? _statistics;
    private readonly RequestPacker<UserSlot> _packer;
    private readonly HeldWindow _window;
    private readonly Action<ImCommand, List<UserSlot>, string> _send;
    private readonly long _backlogPollTicks;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _hardStop = new();
    private long _timerDue = long.MaxValue;
    private int _trackedMessages;
    private DrainMode? _drain;
    private bool _intakeStopped;
    private volatile bool _accepting = true;

    public PipelineCoordinator(
        BatchPlanner planner,
        RequestDispatcher dispatcher,
        MessageSettler settler,
        TagWorkerMetrics metrics,
        IOptions<BatchingOptions> batching,
        IOptions<ImApiOptions> imApi,
        IOptions<PipelineOptions> pipeline,
        TimeProvider timeProvider,
        ILogger<PipelineCoordinator> logger,
        PipelineStatistics? statistics = null,
        ITagEventSource? source = null)
    {
        _planner = planner;
        _dispatcher = dispatcher;
        _settler = settler;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _source = source;
        _statistics = statistics;
        var frequency = timeProvider.TimestampFrequency;
        _packer = new RequestPacker<UserSlot>(
            batching.Value.MaxUsersPerRequest,
            // Requests beyond what the endpoint can have on the wire would only queue for tokens; leaving their users
            // unpacked lets them keep folding instead.
            imApi.Value.MaxConcurrentRequests,
            (long)(batching.Value.MaxBatchDelay.TotalSeconds * frequency),
            (long)(batching.Value.MaxBacklogHold.TotalSeconds * frequency));
        _window = new HeldWindow(pipeline.Value.MaxHeldMessages, pipeline.Value.MaxHeldBytes);
        _backlogPollTicks = frequency / 10;
        _send = Send;
        _timer = timeProvider.CreateTimer(static state => ((PipelineCoordinator)state!).Post(new PipelineSignal.Tick()), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether new messages are still welcome (false once draining started).</summary>
    public bool IsAccepting => _accepting;

    /// <summary>Messages taken in and not yet settled.</summary>
    public int HeldMessages => _window.Messages;

    /// <summary>
    /// Completes when a settlement failed (the broker may still hold that message locked): intake must stop, and the
    /// source fence before it receives again, so the message comes back before anything newer of its users.
    /// </summary>
    public Task WhenFenceRequested => _fence.Task;

    /// <summary>
    /// Waits for room in the window, then hands a valid event to the pipeline. Called by intake; the wait is the
    /// back-pressure that stops the source receiving while the window is full.
    /// </summary>
    public async ValueTask AcceptAsync(SourceMessage message, TagChangeEvent tagEvent, MessageTrace trace, CancellationToken cancellationToken)
    {
        var bytes = message.Body.Length;
        await _window.EnterAsync(bytes, cancellationToken).ConfigureAwait(false);
        Track(message, tagEvent, bytes, trace);
    }

    /// <summary>Hands a valid event to the pipeline without waiting for room (tests; the window still counts it).</summary>
    public void Accept(SourceMessage message, TagChangeEvent tagEvent)
    {
        var bytes = message.Body.Length;
        _window.Enter(bytes);
        Track(message, tagEvent, bytes, default);
    }

    /// <summary>Asks the loop to wind down; <see cref="RunAsync"/> returns once every taken message is settled.</summary>
    public void RequestDrain(DrainMode mode)
    {
        _accepting = false;
        Post(new PipelineSignal.Drain(mode));
    }

    /// <summary>
    /// The source has returned from receiving: no message can arrive any more, so the loop may end once everything
    /// taken is settled. (Some sources return only after every message they handed out was settled, so the drain
    /// must be requested before waiting for them.)
    /// </summary>
    public void IntakeStopped() => Post(new PipelineSignal.IntakeStopped());

    /// <summary>Past the shutdown deadline: calls on the wire are cancelled and whatever is unresolved is abandoned.</summary>
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

            SendDueRequests();
            Publish();
            if (_drain is not null && _intakeStopped && Volatile.Read(ref _trackedMessages) == 0 && _packer.InFlight == 0)
            {
                break;
            }
        }

        await _settler.WhenAllSettledAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        _hardStop.Dispose();
    }

    /// <summary>Hands the gauges their numbers (cheap: no walk over the users).</summary>
    private void Publish()
    {
        if (_statistics is null)
        {
            return;
        }

        _statistics.HeldMessages = _window.Messages;
        _statistics.PendingUsers = _slots.Count;
        var oldest = _packer.OldestReadySince;
        _statistics.OldestPendingSince = oldest == long.MaxValue
            ? null
            : _timeProvider.GetUtcNow() - _timeProvider.GetElapsedTime(oldest);
    }

    private void Track(SourceMessage message, TagChangeEvent tagEvent, long bytes, MessageTrace trace)
    {
        Interlocked.Increment(ref _trackedMessages);
        var tracked = new TrackedMessage(message, tagEvent, _timeProvider.GetTimestamp(), bytes, trace);
        Post(new PipelineSignal.MessageAccepted(tracked));
    }

    private void Post(PipelineSignal signal) => _signals.Writer.TryWrite(signal);

    private void Handle(PipelineSignal signal)
    {
        switch (signal)
        {
            case PipelineSignal.MessageAccepted accepted:
                OnMessage(accepted.Message);
                break;
            case PipelineSignal.CallResolved resolved:
                OnCallResolved(resolved.Request, resolved.Outcomes);
                break;
            case PipelineSignal.SettlementReported reported:
                OnSettlementReported(reported.Message, reported.Result);
                break;
            case PipelineSignal.LockLost lost:
                OnLockLost(lost.Message);
                break;
            case PipelineSignal.Drain drain:
                OnDrain(drain.Mode);
                break;
            case PipelineSignal.IntakeStopped:
                _intakeStopped = true;
                if (_drain is not null)
                {
                    // Nothing can come back any more in this session: what waits for a return goes back too.
                    ReturnParked("intake stopped while an earlier message of the same user was on its way back");
                }

                break;
            case PipelineSignal.Tick:
                _timerDue = long.MaxValue;
                CheckParked();
                break;
            case PipelineSignal.LastSettlementDone done:
                OnLastSettlementDone(done.Slot);
                break;
        }
    }

    private UserSlot Slot(string account)
    {
        if (!_slots.TryGetValue(account, out var slot))
        {
            slot = new UserSlot(account);
            _slots.Add(account, slot);
        }

        _idleSlots.Remove(slot);
        return slot;
    }

    private void OnMessage(TrackedMessage message)
    {
        var users = message.Users;
        var slots = new UserSlot[users.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = Slot(users[i]);
            slots[i].Ledger.AddUnsettled(message);
        }

        if (message.Message.LockLost.IsCancellationRequested)
        {
            // Its lock went while it waited for intake: the broker delivers it again, to whoever holds it then — but
            // only once the lock expires, so without sessions intake must fence as for any lost lock, or the user's
            // later messages would wait (parked) behind it until the park times out.
            message.Lost = true;
            ReturnUnsent(message, slots);
            if (message.Message.SessionId is null)
            {
                RequestFence();
            }

            return;
        }

        if (_drain is DrainMode.Abandon)
        {
            // Arrived after intake stopped taking; it goes straight back.
            message.Return = true;
            ReturnUnsent(message, slots);
            return;
        }

        WatchLock(message);
        var now = _timeProvider.GetTimestamp();
        var skipped = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            var backInOrder = RedeliveryRules.IsBackInOrder(slot.Ledger, message.Sequence);
            switch (RedeliveryRules.OnArrival(slot.Ledger, message.Sequence))
            {
                case ArrivalAction.AlreadyApplied:
                    skipped++;
                    message.Unresolved--;
                    break;
                case ArrivalAction.Park:
                    Park(slot, message, now);
                    continue;
                default:
                    slot.Progress.Fold(message, message.Event, now);
                    _packer.Touched(slot);
                    break;
            }

            if (backInOrder)
            {
                ReturnOvertaken(slot.Ledger, message);
            }

            // This may have been the return the user's parked messages waited for.
            Unpark(slot, now);
        }

        if (skipped == slots.Length && slots.Length > 0)
        {
            Log.RedeliveryRecognised(_logger, message.Message.MessageId, message.Sequence);
        }

        if (message.Unresolved == 0)
        {
            TrySettle(message);
        }
    }

    private void Park(UserSlot slot, TrackedMessage message, long now)
    {
        if (slot.Ledger.Parked.Count == 0)
        {
            slot.Ledger.ParkedSince = now;
        }

        slot.Ledger.Parked[message.Sequence] = message;
        if (message.ParkedFor++ == 0)
        {
            _window.Park(message.Bytes);
        }

        _parkedUsers.Add(slot);
        Log.ParkedBehindEarlier(_logger, message.Message.MessageId, message.Sequence, slot.Account);
    }

    /// <summary>
    /// <paramref name="arrived"/> came back after newer messages of the same user were folded (and perhaps applied)
    /// before it went back: they go back too, so that the broker delivers them again after it and their changes land
    /// on top of its. Messages parked for the user were never sent for it and simply go on after it.
    /// </summary>
    private void ReturnOvertaken(UserLedger ledger, TrackedMessage arrived)
    {
        foreach (var later in ledger.Unsettled.ToArray())
        {
            if (later.Sequence > arrived.Sequence && !later.Return && !later.Lost && !ledger.Parked.ContainsKey(later.Sequence))
            {
                later.Return = true;
                later.LastError ??= "an earlier message of the same user came back after this one was applied";
                foreach (var account in later.Users)
                {
                    var other = Slot(account);
                    RedeliveryRules.OnReturned(other.Ledger, later);
                    UnparkReturned(other, later);
                }
            }
        }
    }

    /// <summary>Lets the user's parked messages go on, in order, as far as nothing older is still on its way back.</summary>
    private void Unpark(UserSlot slot, long now)
    {
        var ledger = slot.Ledger;
        var released = false;
        while (RedeliveryRules.NextUnparked(ledger) is { } sequence)
        {
            var message = ledger.Parked[sequence];
            ledger.Parked.Remove(sequence);
            UnparkInWindow(message);
            released = true;
            if (RedeliveryRules.Admit(ledger, sequence) == ArrivalAction.AlreadyApplied)
            {
                ResolveOne(message);
                continue;
            }

            slot.Progress.Fold(message, message.Event, now);
        }

        if (released)
        {
            ledger.ParkedSince = ledger.Parked.Count == 0 ? 0 : now;
            if (ledger.Parked.Count == 0)
            {
                _parkedUsers.Remove(slot);
            }

            _packer.Touched(slot);
        }
    }

    /// <summary>The message is no longer parked for one of its users; the window counts it again once it is parked for none.</summary>
    private void UnparkInWindow(TrackedMessage message)
    {
        if (--message.ParkedFor == 0)
        {
            _window.Unpark(message.Bytes);
        }
    }

    /// <summary>Gives every parked message back to the source (in sequence order, through settlement order).</summary>
    private void ReturnParked(string reason)
    {
        foreach (var slot in _parkedUsers.ToArray())
        {
            foreach (var message in slot.Ledger.Parked.Values.ToArray())
            {
                UnparkInWindow(message);
                if (!message.Return && !message.Lost)
                {
                    message.Return = true;
                    message.LastError ??= reason;
                }

                ResolveOne(message);
            }

            slot.Ledger.Parked.Clear();
            slot.Ledger.ParkedSince = 0;
            RemoveIfIdle(slot);
        }

        _parkedUsers.Clear();
    }

    /// <summary>A message none of whose changes will be sent now: every user of it treats it as returned.</summary>
    private void ReturnUnsent(TrackedMessage message, UserSlot[] slots)
    {
        foreach (var slot in slots)
        {
            RedeliveryRules.OnReturned(slot.Ledger, message);
        }

        message.Unresolved = 0;
        TrySettle(message);
    }

    private void WatchLock(TrackedMessage message)
    {
        var lockLost = message.Message.LockLost;
        if (lockLost.CanBeCanceled)
        {
            // Not disposed: the source's token lives as long as the delivery, and a registration after settlement
            // only posts a signal the loop ignores.
            _ = lockLost.UnsafeRegister(static state =>
            {
                var (self, tracked) = ((PipelineCoordinator, TrackedMessage))state!;
                self.Post(new PipelineSignal.LockLost(tracked));
            }, (this, message));
        }
    }

    /// <summary>Forms and sends every request that is due, and arms the timer for the next one that will be.</summary>
    private void SendDueRequests()
    {
        var now = _timeProvider.GetTimestamp();
        // A full window packs what it has at once: nothing more can arrive to fill a request, or to join a held fold.
        var full = _window.IsFull;
        var hold = _drain is null && _source is { BacklogWaiting: true } && !full;
        var nextDue = _packer.PackDue(now, new PackingConditions(Draining: _drain is not null, HoldOpenFolds: hold, WindowFull: full), _send);
        if (hold || _parkedUsers.Count > 0)
        {
            // The backlog may end without a signal, and parked messages are checked by the tick: look again soon.
            nextDue = Math.Min(nextDue, now + _backlogPollTicks);
        }

        if (nextDue < _timerDue)
        {
            _timerDue = nextDue;
            _timer.Change(_timeProvider.GetElapsedTime(now, nextDue), Timeout.InfiniteTimeSpan);
        }
    }

    private void Send(ImCommand command, List<UserSlot> slots, string trigger)
    {
        var users = new List<UserTags>(slots.Count);
        List<ActivityLink>? links = null;
        foreach (var slot in slots)
        {
            if (slot.Progress.TakeStep(_planner) is { } step)
            {
                users.Add(new UserTags(slot.Account, step.Tags));
                LinkMessages(slot, ref links);
            }
            else
            {
                // Freezing found nothing to send (the changes cancelled out): the fold is applied as it is.
                ResolveApplied(slot, slot.Progress.TakeApplied());
                _packer.Update(slot);
            }
        }

        _metrics.RequestFormed(command, trigger);
        var request = new TagRequest(command, users);
        _ = SendAsync(request, links);
    }

    /// <summary>Links the call's span to the spans of the messages whose changes it carries (a bounded number).</summary>
    private static void LinkMessages(UserSlot slot, ref List<ActivityLink>? links)
    {
        foreach (var message in slot.Progress.FrozenMessages)
        {
            if (message.Trace.Span is not { } span)
            {
                continue;
            }

            links ??= [];
            if (links.Count >= MaxLinksPerCall)
            {
                return;
            }

            links.Add(new ActivityLink(span.Context));
        }
    }

    private async Task SendAsync(TagRequest request, List<ActivityLink>? links)
    {
        IReadOnlyList<UserOutcome> outcomes;
        try
        {
            outcomes = await _dispatcher.DispatchAsync(request, links, _hardStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            outcomes = NotSent(request);
        }
#pragma warning disable CA1031 // An unexpected fault must not lose the users' messages: they go back to the source.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PipelineFailed(_logger, exception);
            outcomes = NotSent(request);
        }

        Post(new PipelineSignal.CallResolved(request, outcomes));
    }

    private static UserOutcome[] NotSent(TagRequest request) =>
        request.Users.Select(static u => UserOutcome.Abandoned(u.Account)).ToArray();

    private void OnCallResolved(TagRequest request, IReadOnlyList<UserOutcome> outcomes)
    {
        _packer.Resolved(request.Command);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            var slot = _slots[outcome.Account];
            switch (outcome.Kind)
            {
                case UserOutcomeKind.Applied:
                    if (slot.Progress.StepApplied() is { } applied)
                    {
                        ResolveApplied(slot, applied);
                    }

                    break;
                case UserOutcomeKind.Failed:
                    OnRejected(slot, outcome);
                    break;
                case UserOutcomeKind.RetriesExhausted:
                    OnRetriesExhausted(slot, request, outcome);
                    break;
                default:
                    slot.DropWhenResolved = true;
                    slot.DropReason ??= "not sent: the API was unavailable to this worker (configuration fault or shutdown)";
                    break;
            }

            if (slot.DropWhenResolved || _drain is DrainMode.Abandon)
            {
                Drop(slot, slot.DropReason ?? "shutting down before the change could be sent");
            }

            _packer.Update(slot);
            RemoveIfIdle(slot);
        }
    }

    private void OnRejected(UserSlot slot, UserOutcome outcome)
    {
        var held = slot.Progress.HeldMessages;
        if (slot.Progress.StepRejected() is { } failed)
        {
            (failed.Failures ??= []).Add(outcome);
            ResolveOne(failed);
        }
        else
        {
            Log.ReplayingOneByOne(_logger, slot.Account, held, outcome.ErrorCode);
        }
    }

    private void OnRetriesExhausted(UserSlot slot, TagRequest request, UserOutcome outcome)
    {
        var error = $"{ImCommandPaths.ToSegment(request.Command)}: retries exhausted, last error {outcome.ErrorCode} {outcome.ErrorInfo}".Trim();
        foreach (var message in slot.Progress.HeldMessagesInOrder())
        {
            if (message.Message.MaxDeliveryCount is { } max && message.Message.DeliveryCount >= max - 1)
            {
                // One more abandon would make the broker dead-letter a valid change: keep it and send it again.
                Log.KeptAtLastDelivery(_logger, slot.Account, message.Message.MessageId, message.Message.DeliveryCount, max, outcome.ErrorCode);
                var tags = request.Users.First(u => u.Account == slot.Account).Tags;
                slot.Progress.StepDeferred(new PlannedStep(request.Command, tags));
                return;
            }
        }

        slot.DropWhenResolved = true;
        slot.DropReason = error;
    }

    /// <summary>
    /// Gives up everything the user holds: the messages go back to the source (or, when their lock is gone, are
    /// never settled), and every user of each of them now waits for it to come back before anything newer.
    /// </summary>
    private void Drop(UserSlot slot, string reason)
    {
        slot.DropWhenResolved = false;
        slot.DropReason = null;
        foreach (var message in slot.Progress.DropAll())
        {
            if (message.Message.LockLost.IsCancellationRequested)
            {
                message.Lost = true;
            }
            else if (!message.Return)
            {
                message.Return = true;
                message.LastError ??= reason;
            }

            foreach (var account in message.Users)
            {
                var other = Slot(account);
                RedeliveryRules.OnReturned(other.Ledger, message);
                UnparkReturned(other, message);
            }

            ResolveOne(message);
        }

        RequestPacker<UserSlot>.Remove(slot);
    }

    /// <summary>
    /// A message that goes back while parked for <paramref name="slot"/>'s user is not sent for it either: left
    /// parked, it would wait behind its own return (on the returned list) until the park timed out.
    /// </summary>
    private void UnparkReturned(UserSlot slot, TrackedMessage message)
    {
        if (!slot.Ledger.Parked.Remove(message.Sequence))
        {
            return;
        }

        UnparkInWindow(message);
        if (slot.Ledger.Parked.Count == 0)
        {
            slot.Ledger.ParkedSince = 0;
            _parkedUsers.Remove(slot);
        }

        ResolveOne(message);
    }

    private void ResolveApplied(UserSlot slot, IReadOnlyList<TrackedMessage> messages)
    {
        foreach (var message in messages)
        {
            RedeliveryRules.OnApplied(slot.Ledger, message.Sequence);
            ResolveOne(message);
        }
    }

    private void ResolveOne(TrackedMessage message)
    {
        message.Unresolved--;
        if (message.Unresolved == 0)
        {
            TrySettle(message);
        }
    }

    private void OnSettlementReported(TrackedMessage message, SettleResult result)
    {
        var broke = result is SettleResult.Failed or SettleResult.Downgraded;
        foreach (var account in message.Users)
        {
            if (!_slots.TryGetValue(account, out var slot))
            {
                continue;
            }

            // A report for a delivery that has come back since says nothing the new delivery does not.
            if (RedeliveryRules.OnSettleReported(slot.Ledger, message) && broke)
            {
                RedeliveryRules.OnReturned(slot.Ledger, message);
            }

            RemoveIfIdle(slot);
        }

        if (result == SettleResult.Failed && !message.Lost && message.Message.SessionId is null)
        {
            // The broker may still hold the message locked (its lock expires later): until it is back, nothing newer
            // of its users may be taken. Returning newer ones at once would only loop them; the source fences instead.
            RequestFence();
        }
    }

    private void OnLockLost(TrackedMessage message)
    {
        if (message.Settled)
        {
            return;
        }

        Log.LockLost(_logger, message.Message.MessageId, message.Sequence);
        message.Lost = true;
        foreach (var account in message.Users)
        {
            var slot = Slot(account);
            UnparkReturned(slot, message);
            RedeliveryRules.OnOwnershipLost(slot.Ledger);
            RedeliveryRules.OnReturned(slot.Ledger, message);
            if (slot.Progress.InFlight)
            {
                // The call on the wire resolves first; then the user's unsent work is dropped.
                slot.DropWhenResolved = true;
                slot.DropReason ??= "the lock of an earlier message of the same user was lost";
            }
            else
            {
                Drop(slot, "the lock of an earlier message of the same user was lost");
                RemoveIfIdle(slot);
            }
        }

        if (message.Message.SessionId is null)
        {
            RequestFence();
        }
    }

    private void RequestFence()
    {
        if (_fence.TrySetResult())
        {
            Log.FenceRequested(_logger);
        }
    }

    private void OnDrain(DrainMode mode)
    {
        if (_drain is DrainMode.Abandon)
        {
            return;
        }

        _drain = mode;
        Log.Draining(_logger, mode == DrainMode.Finish ? "sending what is pending, then stopping" : "abandoning what is unresolved", _slots.Count, _packer.InFlight);
        if (mode != DrainMode.Abandon)
        {
            return;
        }

        ReturnParked("shutting down before the change could be sent");

        // Users with a request on the wire give their changes back when it resolves; the others give them back now.
        foreach (var slot in _slots.Values.ToArray())
        {
            if (!slot.Progress.InFlight && !slot.Progress.IsIdle)
            {
                Drop(slot, "shutting down before the change could be sent");
            }

            RemoveIfIdle(slot);
        }
    }

    /// <summary>
    /// Settles <paramref name="first"/> if it is resolved and is the oldest unsettled message of each of its users,
    /// then every later message that this unblocks.
    /// </summary>
    private void TrySettle(TrackedMessage first)
    {
        var work = new Stack<TrackedMessage>();
        work.Push(first);
        var predecessors = new List<Task<SettleResult>>();
        while (work.TryPop(out var message))
        {
            if (message.Settled || message.Unresolved > 0 || !IsOldestOfItsUsers(message))
            {
                continue;
            }

            message.Settled = true;
            Task<SettleResult> settlement;
            if (message.Lost)
            {
                // Never settled: the lock is gone. Later messages of its users must not complete ahead of its return.
                settlement = Task.FromResult(SettleResult.Failed);
                message.Trace.Span.EndWithSettlement("lock_lost");
                if (message.Message.SessionId is null)
                {
                    // Whichever way its loss was noticed (its lock-lost signal may arrive after this, and is then
                    // ignored), the broker gives it back only when the lock expires: without sessions, fence.
                    RequestFence();
                }
            }
            else
            {
                predecessors.Clear();
                var earlierOut = false;
                foreach (var account in message.Users)
                {
                    var ledger = _slots[account].Ledger;
                    predecessors.Add(ledger.LastSettlement);
                    earlierOut |= ledger.Returned.Count > 0 && ledger.Returned.Min < message.Sequence;
                }

                var decision = Decide(message, earlierOut);
                foreach (var account in message.Users)
                {
                    RedeliveryRules.OnSettleStarted(_slots[account].Ledger, message);
                }

                settlement = _settler.SettleAfter(predecessors.ToArray(), message.Message, decision, message.Trace);
                message.Settlement = settlement;
                ObserveSettlement(message, settlement);
            }

            _window.Leave(message.Bytes);
            Interlocked.Decrement(ref _trackedMessages);
            var returned = message.Return || message.Lost;
            foreach (var account in message.Users)
            {
                var slot = _slots[account];
                if (returned)
                {
                    RedeliveryRules.OnReturned(slot.Ledger, message);
                }

                slot.Ledger.Unsettled.RemoveFirst();
                if (!message.Superseded)
                {
                    // A superseded delivery's settlement says nothing about the order: the broker has given the
                    // message out again, and that delivery, next in line, stands for it. Waiting for its failure would
                    // only turn the redelivery's completion (and every later one of its users) into abandons.
                    slot.Ledger.LastSettlement = settlement;
                }

                if (slot.Ledger.Oldest is { } next)
                {
                    work.Push(next);
                }
                else
                {
                    RemoveIfIdle(slot);
                }
            }
        }
    }

    /// <summary>Turns what happened to the message's users into its settlement (Settlement's policy).</summary>
    private static SettlementDecision Decide(TrackedMessage message, bool earlierOut)
    {
        if (message.Return)
        {
            return SettlementDecision.AbandonWith(message.LastError);
        }

        if (message.Failures is { Count: > 0 } failures)
        {
            return DeadLetterDescription.For(failures, message.Users.Count);
        }

        if (earlierOut)
        {
            // Applied, but an earlier message of one of its users is on its way back: completing this one now would
            // let that one land on top of it. It goes back too, and comes back after.
            message.Return = true;
            return SettlementDecision.AbandonWith("an earlier message of the same user went back to the source");
        }

        return SettlementDecision.Complete;
    }

    private void ObserveSettlement(TrackedMessage message, Task<SettleResult> settlement)
    {
        if (settlement.IsCompleted)
        {
            Post(new PipelineSignal.SettlementReported(message, settlement.Result));
            return;
        }

        _ = settlement.ContinueWith(
            static (task, state) =>
            {
                var (self, tracked) = ((PipelineCoordinator, TrackedMessage))state!;
                self.Post(new PipelineSignal.SettlementReported(tracked, task.Result));
            },
            (this, message),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private bool IsOldestOfItsUsers(TrackedMessage message)
    {
        foreach (var account in message.Users)
        {
            if (!ReferenceEquals(_slots[account].Ledger.Oldest, message))
            {
                return false;
            }
        }

        return true;
    }

    private void RemoveIfIdle(UserSlot slot)
    {
        // A settlement whose outcome is not handled yet may still be refused: its report must find this ledger (and
        // its watermark), not a fresh one.
        if (!slot.Progress.IsIdle || slot.Progress.InFlight || slot.Ledger.Unsettled.Count > 0 || slot.Ledger.Returned.Count > 0 || slot.Ledger.Parked.Count > 0 || slot.Ledger.Settling.Count > 0)
        {
            return;
        }

        // The slot remembers the user's last settlement, which the user's next message must wait for; forget the
        // slot only once that settlement is done: its completion posts a signal (one per wait, not a sweep of every
        // waiting user each tick, which during a backlog was most of the loop's CPU).
        var last = slot.Ledger.LastSettlement;
        if (last.IsCompleted)
        {
            _slots.Remove(slot.Account);
            _idleSlots.Remove(slot);
        }
        else if (_idleSlots.Add(slot))
        {
            _ = last.ContinueWith(
                static (_, state) =>
                {
                    var (self, idle) = ((PipelineCoordinator, UserSlot))state!;
                    self.Post(new PipelineSignal.LastSettlementDone(idle));
                },
                (this, slot),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The settlement an idle user was kept for has completed: forget the user, unless it has had work since (it is
    /// then no longer waiting; a later wait posts its own signal).
    /// </summary>
    private void OnLastSettlementDone(UserSlot slot)
    {
        if (_idleSlots.Remove(slot) && _slots.TryGetValue(slot.Account, out var current) && ReferenceEquals(current, slot))
        {
            RemoveIfIdle(slot);
        }
    }

    /// <summary>
    /// A return that has not come back within <see cref="MaxParkTime"/> is not coming soon (its settle may have failed
    /// and its lock not yet expired, or the broker dead-lettered it at its delivery limit): the source fences, and the
    /// drain gives the parked messages back in order.
    /// </summary>
    private void CheckParked()
    {
        if (_parkedUsers.Count == 0)
        {
            return;
        }

        var now = _timeProvider.GetTimestamp();
        foreach (var slot in _parkedUsers)
        {
            if (_timeProvider.GetElapsedTime(slot.Ledger.ParkedSince, now) >= MaxParkTime)
            {
                RequestFence();
                return;
            }
        }
    }
}
