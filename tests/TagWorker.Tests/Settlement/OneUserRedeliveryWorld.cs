using TagWorker.Contracts;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Settlement;

/// <summary>What can happen next to one user's messages; each step is skipped when it cannot happen now.</summary>
public enum RedeliveryStep
{
    /// <summary>The source hands out the broker's next message (the lowest available sequence number).</summary>
    Deliver,

    /// <summary>The oldest folded messages (a fold of 1 to 3) are applied by the API.</summary>
    Apply,

    /// <summary>The user's call exhausted its retries: everything it holds goes back (half the time after a part was applied).</summary>
    Exhaust,

    /// <summary>The lock of one held message is lost (with sessions: the session's lock, so every held message's).</summary>
    LoseLock,

    /// <summary>Another user of a held message was given back, so the message goes back though this user's part may be applied.</summary>
    ReturnedByOtherUser,

    /// <summary>A held message also waits for another user's earlier message, so it cannot settle yet.</summary>
    HeldByOtherUser,

    /// <summary>The other users' earlier messages are resolved: nothing waits for them any more.</summary>
    OtherUsersResolved,

    /// <summary>The next completion the broker is asked for fails (lock lost on complete).</summary>
    FailNextComplete,

    /// <summary>The coordinator reads the settlement reports posted so far (they arrive after the settle, not at once).</summary>
    ProcessReports,

    /// <summary>Intake fences (without sessions) or takes the lost session again: the broker's locked messages are back.</summary>
    Restart,

    /// <summary>The process dies: every lease is reclaimed, the ledger is gone, what was applied stays applied.</summary>
    Crash,
}

/// <summary>A queue of <see cref="Messages"/> messages of one user, whether the entity has sessions, and what happens.</summary>
public sealed record RedeliveryScenario(int Messages, bool Sessions, (RedeliveryStep Step, int Pick)[] Steps)
{
    public override string ToString() =>
        $"{Messages} messages, {(Sessions ? "sessions" : "no sessions")}: {string.Join(' ', Steps.Select(s => $"{s.Step}({s.Pick})"))}";
}

/// <summary>
/// One user's messages between a broker and a worker, in miniature. The broker hands out the lowest available
/// sequence number, takes abandoned messages back at once and locked ones (lost lock, refused settle) only when
/// intake fences, the session is taken again or the process dies. The worker side makes exactly the calls into
/// <see cref="RedeliveryRules"/> and <see cref="UserLedger"/> that <c>PipelineCoordinator</c> makes: on arrival
/// (<c>OnMessage</c>), when a fold is applied (<c>ResolveApplied</c>), when the user's work is dropped (<c>Drop</c>),
/// on lock loss (<c>OnLockLost</c>), when a message settles in per-user arrival order (<c>TrySettle</c> and
/// <c>Decide</c>, with <c>MessageSettler</c>'s downgrade of a completion behind a broken order) and when a settlement
/// report arrives (<c>OnSettlementBroke</c>). What it records is the order in which the API applied the user's
/// changes, which the properties check against the queue order.
/// </summary>
internal sealed class OneUserRedeliveryWorld
{
    private const int MaxHeld = 5;

    private readonly BrokerState[] _broker;
    private readonly bool _sessions;
    private readonly List<long> _applied = [];
    private readonly List<Delivery> _unsettled = [];
    private readonly Queue<(Delivery Delivery, SettleResult Result)> _reports = new();
    private readonly List<string> _trace = [];
    private UserLedger _ledger = new();
    private bool _fenceRequested;
    private bool _sessionLost;
    private bool _failNextComplete;

    public OneUserRedeliveryWorld(int messages, bool sessions)
    {
        _broker = new BrokerState[messages + 1];
        _broker[0] = BrokerState.Completed;
        _sessions = sessions;
    }

    private enum BrokerState
    {
        Available,
        Delivered,
        LockedOut,
        Completed,
    }

    private enum Part
    {
        Folded,
        Applied,
        AlreadyApplied,
        Unsent,

        /// <summary>Held unsent behind an older message on its way back; like a fold, it does not settle yet.</summary>
        Parked,
    }

    /// <summary>Sequence numbers in the order the API applied them (a redelivery applied again appears again).</summary>
    public IReadOnlyList<long> Applied => _applied;

    /// <summary>What happened, for the counterexample.</summary>
    public string Trace => string.Join(Environment.NewLine, _trace);

    public bool AllCompleted => _broker.All(static b => b == BrokerState.Completed);

    public void Run(RedeliveryStep step, int pick)
    {
        switch (step)
        {
            case RedeliveryStep.Deliver:
                Deliver();
                break;
            case RedeliveryStep.Apply:
                Apply(1 + (pick % 3));
                break;
            case RedeliveryStep.Exhaust:
                Exhaust(partial: pick % 2 == 1);
                break;
            case RedeliveryStep.LoseLock:
                LoseLock(pick);
                break;
            case RedeliveryStep.ReturnedByOtherUser:
                ReturnedByOtherUser(pick);
                break;
            case RedeliveryStep.HeldByOtherUser:
                if (_unsettled.Count > 0)
                {
                    var held = _unsettled[pick % _unsettled.Count];
                    held.Blocked = true;
                    _trace.Add($"{held.Sequence} also waits for another user");
                }

                break;
            case RedeliveryStep.OtherUsersResolved:
                _unsettled.ForEach(static d => d.Blocked = false);
                break;
            case RedeliveryStep.FailNextComplete:
                _failNextComplete = true;
                break;
            case RedeliveryStep.ProcessReports:
                ProcessReports();
                break;
            case RedeliveryStep.Restart:
                Restart();
                break;
            case RedeliveryStep.Crash:
                Crash();
                break;
        }

        SettleInOrder();
    }

    /// <summary>Lets the worker finish without further faults; false when it cannot (a user stuck behind a message that never comes back).</summary>
    public bool RunToEnd(int budget)
    {
        _failNextComplete = false;
        _unsettled.ForEach(static d => d.Blocked = false);
        for (var i = 0; i < budget; i++)
        {
            if (AllCompleted)
            {
                return true;
            }

            if (_reports.Count > 0)
            {
                ProcessReports();
            }
            else if (_unsettled.Any(static d => d.Part == Part.Folded))
            {
                Apply(int.MaxValue);
            }
            else if (_fenceRequested || _sessionLost)
            {
                Restart();
            }
            else if (CanDeliver)
            {
                Deliver();
            }
            else
            {
                // Nothing to do and not done: only a fence or a restart could free what is locked (the coordinator's
                // CheckParked fences when messages stay parked too long).
                if (_ledger.Parked.Count > 0 && !_sessions)
                {
                    _fenceRequested = true;
                }

                Restart();
                if (!CanDeliver && !AllCompleted && _unsettled.Count == 0)
                {
                    _trace.Add("stuck: nothing can be delivered");
                    return false;
                }
            }

            SettleInOrder();
        }

        _trace.Add($"stuck after {budget} steps; returned [{string.Join(',', _ledger.Returned)}]");
        return AllCompleted;
    }

    private bool CanDeliver =>
        !_fenceRequested && !_sessionLost && _unsettled.Count < MaxHeld && Array.IndexOf(_broker, BrokerState.Available) > 0;

    private void Deliver()
    {
        if (!CanDeliver)
        {
            return;
        }

        long sequence = Array.IndexOf(_broker, BrokerState.Available);
        if (_reports.Any(r => r.Delivery.Sequence == sequence))
        {
            // A settlement report is posted the moment the settle returns, and the broker hands the message out
            // again only after that (a downgrade's abandon, or a refused settle's lock expiry): the report comes first.
            ProcessReports();
        }

        _broker[sequence] = BrokerState.Delivered;
        var delivery = new Delivery(sequence);
        var backInOrder = RedeliveryRules.IsBackInOrder(_ledger, sequence);
        var action = RedeliveryRules.OnArrival(_ledger, sequence);
        if (backInOrder && action != ArrivalAction.Park)
        {
            // The coordinator's ReturnOvertaken: newer messages folded before this one went back go back after it.
            foreach (var later in _unsettled.Where(d => d.Sequence > sequence && !d.Return && !d.Lost && d.Part != Part.Parked))
            {
                later.Return = true;
                RedeliveryRules.OnReturned(_ledger, later.Sequence);
            }
        }
        _trace.Add($"deliver {sequence}: {action} (watermark {_ledger.Watermark}, returned [{string.Join(',', _ledger.Returned)}])");
        switch (action)
        {
            case ArrivalAction.Park:
                delivery.Part = Part.Parked;
                _ledger.Parked[sequence] = delivery.Tracked;
                break;
            case ArrivalAction.AlreadyApplied:
                AssertAppliedInOrderUpTo(sequence, $"AlreadyApplied for {sequence}");
                delivery.Part = Part.AlreadyApplied;
                break;
            default:
                delivery.Part = Part.Folded;
                break;
        }

        // The coordinator keeps a user's unsettled messages in sequence order: a redelivery goes back to its place,
        // ahead of newer ones parked behind it.
        var at = _unsettled.FindIndex(d => d.Sequence > sequence);
        _unsettled.Insert(at < 0 ? _unsettled.Count : at, delivery);
        if (action != ArrivalAction.Park)
        {
            Unpark();
        }
    }

    /// <summary>The coordinator's Unpark: parked messages go on, in order, as far as nothing older is still out.</summary>
    private void Unpark()
    {
        while (RedeliveryRules.NextUnparked(_ledger) is { } sequence)
        {
            _ledger.Parked.Remove(sequence);
            var delivery = _unsettled.First(d => d.Sequence == sequence && d.Part == Part.Parked);
            if (RedeliveryRules.Admit(_ledger, sequence) == ArrivalAction.AlreadyApplied)
            {
                AssertAppliedInOrderUpTo(sequence, $"AlreadyApplied for parked {sequence}");
                delivery.Part = Part.AlreadyApplied;
            }
            else
            {
                delivery.Part = Part.Folded;
            }

            _trace.Add($"unpark {sequence}: {delivery.Part}");
        }
    }


    private void Apply(int count)
    {
        foreach (var delivery in _unsettled.Where(static d => d.Part == Part.Folded).Take(count).ToList())
        {
            RecordApplication(delivery.Sequence);
            delivery.Part = Part.Applied;
            RedeliveryRules.OnApplied(_ledger, delivery.Sequence);
        }
    }

    private void Exhaust(bool partial)
    {
        var folded = _unsettled.Where(static d => d.Part == Part.Folded).ToList();
        if (folded.Count == 0)
        {
            return;
        }

        if (partial)
        {
            // A fold's first steps were applied before a later one exhausted its retries: its messages' changes are
            // partly applied, and must be applied again, in order, before anything newer stays applied.
            foreach (var delivery in folded)
            {
                RecordApplication(delivery.Sequence);
            }
        }

        _trace.Add($"exhaust {(partial ? "after a partial application" : "before anything applied")}");
        Drop(folded);
    }

    private void Drop(IEnumerable<Delivery> folded)
    {
        foreach (var delivery in folded)
        {
            delivery.Part = Part.Unsent;
            if (!delivery.Lost)
            {
                delivery.Return = true;
            }

            RedeliveryRules.OnReturned(_ledger, delivery.Sequence);
        }
    }

    private void LoseLock(int pick)
    {
        if (_unsettled.Count == 0)
        {
            return;
        }

        if (_sessions)
        {
            _trace.Add("session lock lost");
            _sessionLost = true;
            foreach (var delivery in _unsettled.ToList())
            {
                OnLockLost(delivery);
            }
        }
        else
        {
            OnLockLost(_unsettled[pick % _unsettled.Count]);
        }
    }

    private void OnLockLost(Delivery delivery)
    {
        if (delivery.Lost)
        {
            return;
        }

        _trace.Add($"lock lost {delivery.Sequence}");
        delivery.Lost = true;
        if (_ledger.Parked.Remove(delivery.Sequence))
        {
            delivery.Part = Part.Unsent;
        }

        _broker[delivery.Sequence] = BrokerState.LockedOut;
        RedeliveryRules.OnOwnershipLost(_ledger);
        RedeliveryRules.OnReturned(_ledger, delivery.Sequence);
        Drop(_unsettled.Where(static d => d.Part == Part.Folded).ToList());
        if (!_sessions)
        {
            _fenceRequested = true;
        }
    }

    private void ReturnedByOtherUser(int pick)
    {
        var candidates = _unsettled.Where(static d => !d.Return && !d.Lost).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var delivery = candidates[pick % candidates.Count];
        _trace.Add($"another user of {delivery.Sequence} was given back");
        delivery.Return = true;
        if (_ledger.Parked.Remove(delivery.Sequence))
        {
            // The coordinator's UnparkReturned.
            delivery.Part = Part.Unsent;
        }

        RedeliveryRules.OnReturned(_ledger, delivery.Sequence);
    }

    /// <summary>The coordinator's TrySettle: the oldest held message settles once resolved, then the next.</summary>
    private void SettleInOrder()
    {
        while (_unsettled.Count > 0 && _unsettled[0].Part is not (Part.Folded or Part.Parked) && !_unsettled[0].Blocked)
        {
            var delivery = _unsettled[0];
            _unsettled.RemoveAt(0);
            SettleResult result;
            if (delivery.Lost)
            {
                result = SettleResult.Failed;
                _trace.Add($"{delivery.Sequence} lost: never settled");
            }
            else
            {
                var earlierOut = _ledger.Returned.Count > 0 && _ledger.Returned.Min < delivery.Sequence;
                var complete = !delivery.Return && !earlierOut;
                if (!complete)
                {
                    delivery.Return = true;
                }

                if (complete && !_ledger.LastSettlement.Result.KeepsOrder())
                {
                    result = SettleResult.Downgraded;
                    _broker[delivery.Sequence] = BrokerState.Available;
                    _trace.Add($"{delivery.Sequence} downgraded to abandon");
                }
                else if (complete && _failNextComplete)
                {
                    _failNextComplete = false;
                    result = SettleResult.Failed;
                    _broker[delivery.Sequence] = BrokerState.LockedOut;
                    _trace.Add($"{delivery.Sequence} complete refused");
                    if (_sessions)
                    {
                        // With sessions a refused settle means the session lock went: every held message is lost.
                        _sessionLost = true;
                        foreach (var other in _unsettled.ToList())
                        {
                            OnLockLost(other);
                        }
                    }
                }
                else if (complete)
                {
                    AssertAppliedInOrderUpTo(delivery.Sequence, $"completing {delivery.Sequence}");
                    _broker[delivery.Sequence] = BrokerState.Completed;
                    result = SettleResult.Settled;
                    _trace.Add($"{delivery.Sequence} completed");
                }
                else
                {
                    _broker[delivery.Sequence] = BrokerState.Available;
                    result = SettleResult.Returned;
                    _trace.Add($"{delivery.Sequence} abandoned");
                }

                delivery.Tracked.Settlement = Task.FromResult(result);
                RedeliveryRules.OnSettleStarted(_ledger, delivery.Tracked);
                _reports.Enqueue((delivery, result));
            }

            if (delivery.Return || delivery.Lost)
            {
                RedeliveryRules.OnReturned(_ledger, delivery.Sequence);
            }

            _ledger.LastSettlement = Task.FromResult(result);
        }
    }

    /// <summary>The coordinator's OnSettlementBroke.</summary>
    private void ProcessReports()
    {
        while (_reports.TryDequeue(out var report))
        {
            if (!RedeliveryRules.OnSettleReported(_ledger, report.Delivery.Tracked) || report.Result is not (SettleResult.Failed or SettleResult.Downgraded))
            {
                continue;
            }

            RedeliveryRules.OnReturned(_ledger, report.Delivery.Sequence);
            if (report.Result == SettleResult.Failed && !report.Delivery.Lost && !_sessions)
            {
                _fenceRequested = true;
            }
        }
    }

    /// <summary>A fence (drain, then a new coordinator once every lock expired) or taking the lost session again.</summary>
    private void Restart()
    {
        if (_fenceRequested)
        {
            _trace.Add("fence: drain, wait out the locks, new coordinator");
            _unsettled.ForEach(static d => d.Blocked = false);
            Apply(int.MaxValue);
            ReturnParked();
            SettleInOrder();
            ProcessReports();
            Release();
            _ledger = new UserLedger();
            _fenceRequested = false;
        }
        else if (_sessionLost && _unsettled.All(static d => d.Lost || d.Part != Part.Folded))
        {
            _trace.Add("session taken again");
            _unsettled.ForEach(static d => d.Blocked = false);
            SettleInOrder();
            ProcessReports();
            Release();
            _sessionLost = false;
        }
    }

    /// <summary>The coordinator's ReturnParked on a drain: parked messages go back unsent, in order.</summary>
    private void ReturnParked()
    {
        foreach (var delivery in _unsettled.Where(static d => d.Part == Part.Parked))
        {
            delivery.Part = Part.Unsent;
            delivery.Return = !delivery.Lost;
        }

        _ledger.Parked.Clear();
    }

    private void Crash()
    {
        _trace.Add("crash");
        _unsettled.Clear();
        _reports.Clear();
        for (var i = 1; i < _broker.Length; i++)
        {
            if (_broker[i] is BrokerState.Delivered or BrokerState.LockedOut)
            {
                _broker[i] = BrokerState.Available;
            }
        }

        _ledger = new UserLedger();
        _fenceRequested = false;
        _sessionLost = false;
        _failNextComplete = false;
    }

    private void Release()
    {
        for (var i = 1; i < _broker.Length; i++)
        {
            if (_broker[i] == BrokerState.LockedOut)
            {
                _broker[i] = BrokerState.Available;
            }
        }
    }

    private void RecordApplication(long sequence)
    {
        for (var later = sequence + 1; later < _broker.Length; later++)
        {
            Assert.False(
                _broker[later] == BrokerState.Completed,
                $"{sequence} applied after {later}, which was completed and so stays applied{Environment.NewLine}{Trace}");
        }

        _applied.Add(sequence);
        _trace.Add($"apply {sequence}");
    }

    /// <summary>Every change up to <paramref name="sequence"/> was applied, and the last applications are in queue order.</summary>
    private void AssertAppliedInOrderUpTo(long sequence, string what)
    {
        var last = _applied.LastIndexOf(sequence);
        Assert.True(last >= 0, $"{what}: {sequence} was never applied{Environment.NewLine}{Trace}");
        for (long earlier = 1; earlier < sequence; earlier++)
        {
            var at = _applied.LastIndexOf(earlier);
            Assert.True(at >= 0 && at < last, $"{what}: {earlier} was {(at < 0 ? "never applied" : "last applied after it")}{Environment.NewLine}{Trace}");
        }
    }

    private sealed class Delivery(long sequence)
    {
        public long Sequence { get; } = sequence;

        /// <summary>The coordinator's view of this delivery, for the ledger's parked messages and settlements in progress.</summary>
        public TrackedMessage Tracked { get; } = new(
            new RecordingSourceMessage($"m{sequence}", [], sequenceNumber: sequence),
            new TagChangeEvent(1, $"e{sequence}", DateTimeOffset.UnixEpoch, TagOperation.Add, ["u"], ["t"]),
            0,
            0);

        public Part Part { get; set; }

        public bool Return { get; set; }

        public bool Lost { get; set; }

        /// <summary>Another user of the message is unresolved: it cannot settle, and neither can anything after it.</summary>
        public bool Blocked { get; set; }
    }
}
