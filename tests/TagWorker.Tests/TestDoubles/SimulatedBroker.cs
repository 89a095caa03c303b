using System.Collections.Concurrent;
using TagWorker.Contracts;
using TagWorker.Pipeline;

namespace TagWorker.Tests.TestDoubles;

/// <summary>What can go wrong between a <see cref="SimulatedBroker"/> and the worker, as chances in percent.</summary>
/// <param name="LockLostOnArrival">A delivery's lock is already lost when it reaches the coordinator.</param>
/// <param name="LockLostOnTheWire">When a call is on the wire, a held message of one of its users loses its lock.</param>
/// <param name="SettleRefused">A delivery's settle is refused by the broker (lock lost on complete).</param>
/// <param name="Sessions">Every message is in one session: a lost lock is the session's, and no fence is needed.</param>
internal sealed record BrokerFaults(int LockLostOnArrival, int LockLostOnTheWire, int SettleRefused, bool Sessions)
{
    public static BrokerFaults None { get; } = new(0, 0, 0, Sessions: false);
}

/// <summary>
/// A queue in front of the real pipeline, in the broker's manner: it hands out the lowest available sequence number
/// (as the source does, with AcceptAsync's back-pressure), takes an abandoned message back at once (one delivery
/// more; at MaxDeliveryCount it dead-letters it instead), and keeps a message whose lock was lost or whose settle was
/// refused until its lock expires — which, without sessions, is what the intake fence waits for: on a fence request
/// the coordinator is drained and replaced, and the locked messages are back. With sessions, a lost lock is the
/// session's: every held message loses it, and the session is taken again (by the same coordinator) once the
/// coordinator holds nothing of it. Whatever breaks a promise is collected in <see cref="Problems"/>.
/// </summary>
internal sealed class SimulatedBroker
{
    private readonly object _gate = new();
    private readonly PipelineHarness _harness;
    private readonly BrokerFaults _faults;
    private readonly int? _maxDeliveries;
    private readonly Random _random;
    private readonly List<(string Id, TagChangeEvent Event)> _queue;
    private readonly SortedSet<long> _available = [];
    private readonly HashSet<long> _locked = [];
    private readonly HashSet<long> _done = [];
    private readonly int[] _deliveries;
    private readonly ConcurrentDictionary<long, RecordingSourceMessage> _held = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly List<RecordingSourceMessage> _all = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _sessionLost;

    public SimulatedBroker(PipelineHarness harness, IReadOnlyList<TagChangeEvent> events, BrokerFaults faults, int? maxDeliveries, int seed)
    {
        _harness = harness;
        _faults = faults;
        _maxDeliveries = maxDeliveries;
        _random = new Random(seed);
        _queue = [.. events.Select((e, i) => ($"m{i}", e))];
        _deliveries = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            _available.Add(i);
        }

        harness.Api.OnCall = LoseALockOnTheWire;
    }

    public IReadOnlyCollection<string> Problems => _problems;

    public ConcurrentQueue<string> History { get; } = new();

    /// <summary>Deliveries during which the broker's faults happen (then it behaves).</summary>
    public int FaultyDeliveries { get; init; } = int.MaxValue;

    /// <summary>Intake sessions run (a fence or the start makes a new one).</summary>
    public int Sessions { get; private set; }

    /// <summary>Deliveries made, redeliveries included.</summary>
    public int Deliveries { get; private set; }

    /// <summary>Runs intake sessions until every message is completed (or dead-lettered), or the delivery budget is spent.</summary>
    public async Task RunAsync(int deliveryBudget, TimeSpan wait)
    {
        while (!AllDone && Deliveries < deliveryBudget)
        {
            Sessions++;
            await using var coordinator = _harness.CreateCoordinator();
            var loop = coordinator.RunAsync();
            await FeedAsync(coordinator, deliveryBudget, wait);
            coordinator.RequestDrain(DrainMode.Finish);
            coordinator.IntakeStopped();
            try
            {
                await loop.WaitAsync(wait);
            }
            catch (TimeoutException)
            {
                _problems.Enqueue($"the drain did not finish; log: {string.Join(" | ", _harness.Log.Lines.TakeLast(40))}");
                // Past the deadline, as the worker's service does: whatever is unresolved is abandoned, so the
                // coordinator can be disposed and the failure reported instead of the test hanging.
                coordinator.Abort();
                return;
            }

            lock (_gate)
            {
                // The fence waited out the entity's lock duration: what the broker held locked is back.
                Release();
            }
        }

        if (!AllDone)
        {
            _problems.Enqueue($"not finished after {Deliveries} deliveries in {Sessions} intake sessions: {_queue.Count - _done.Count} messages left");
        }

        foreach (var message in _all)
        {
            message.Dispose();
        }
    }

    private bool AllDone
    {
        get
        {
            lock (_gate)
            {
                return _done.Count == _queue.Count;
            }
        }
    }

    private async Task FeedAsync(PipelineCoordinator coordinator, int deliveryBudget, TimeSpan wait)
    {
        while (Deliveries < deliveryBudget)
        {
            if (coordinator.WhenFenceRequested.IsCompleted)
            {
                return;
            }

            RecordingSourceMessage? delivery = null;
            long[]? stuck = null;
            Task changed;
            lock (_gate)
            {
                if (_done.Count == _queue.Count)
                {
                    return;
                }

                if (_sessionLost && _held.IsEmpty)
                {
                    // The coordinator holds nothing of the session any more: it is taken again, from its oldest message.
                    _sessionLost = false;
                    Release();
                }

                if (!_sessionLost && _available.Count > 0)
                {
                    delivery = Deliver(_available.Min);
                }
                else if (!_sessionLost && _held.IsEmpty && _locked.Count > 0 && !_faults.Sessions)
                {
                    // Only a fence can bring the locked messages back: the coordinator must ask for one (it may not
                    // have read the settlement report yet).
                    stuck = [.. _locked];
                }

                changed = _changed.Task;
            }

            if (stuck is not null)
            {
                try
                {
                    await coordinator.WhenFenceRequested.WaitAsync(wait);
                }
                catch (TimeoutException)
                {
                    _problems.Enqueue($"messages [{string.Join(',', stuck)}] are locked at the broker, nothing else is left, and the coordinator did not ask for a fence");
                    return;
                }

                continue;
            }

            if (delivery is null)
            {
                try
                {
                    await Task.WhenAny(changed, coordinator.WhenFenceRequested).WaitAsync(wait);
                }
                catch (TimeoutException)
                {
                    long[] held;
                    lock (_gate)
                    {
                        held = [.. _held.Keys.Order()];
                    }

                    _problems.Enqueue($"the coordinator holds [{string.Join(',', held)}], nothing else can be delivered, and it neither settles them nor asks for a fence; history: {string.Join(" | ", History.TakeLast(30))}");
                    return;
                }

                continue;
            }

            // As the worker's service does, a fence request ends intake: a hand-over waiting for room in the window is
            // cancelled, and the delivery stays the broker's until its lock expires (the fence waits that out).
            using var fenced = new CancellationTokenSource();
            try
            {
                var accepting = coordinator.AcceptAsync(delivery, _queue[(int)delivery.SequenceNumber].Event, default, fenced.Token).AsTask();
                if (await Task.WhenAny(accepting, coordinator.WhenFenceRequested).WaitAsync(wait) != accepting)
                {
                    await fenced.CancelAsync();
                }

                await accepting.WaitAsync(wait);
            }
            catch (OperationCanceledException) when (fenced.IsCancellationRequested)
            {
                lock (_gate)
                {
                    History.Enqueue($"not taken {delivery.MessageId} d{delivery.DeliveryCount}: intake fenced");
                    _held.TryRemove(new KeyValuePair<long, RecordingSourceMessage>(delivery.SequenceNumber, delivery));
                    _locked.Add(delivery.SequenceNumber);
                }

                return;
            }
            catch (TimeoutException)
            {
                long[] held;
                lock (_gate)
                {
                    held = [.. _held.Keys.Order()];
                }

                _problems.Enqueue($"{delivery.MessageId} was not taken (the window stays full); the coordinator holds [{string.Join(',', held)}]; history: {string.Join(" | ", History.TakeLast(30))}; log: {string.Join(" | ", _harness.Log.Lines.TakeLast(30))}");
                return;
            }
        }
    }

    private RecordingSourceMessage Deliver(long sequence)
    {
        _available.Remove(sequence);
        var message = new RecordingSourceMessage(_queue[(int)sequence].Id, [], ++_deliveries[sequence], sequence)
        {
            Session = _faults.Sessions ? "0" : null,
            MaxDeliveries = _maxDeliveries,
            FailSettlement = Chance(_faults.SettleRefused),
        };
        _all.Add(message);
        History.Enqueue($"deliver {message.MessageId} d{message.DeliveryCount} session {Sessions}");
        Deliveries++;
        _held[sequence] = message;
        message.Broker = OnSettled;
        if (Chance(_faults.LockLostOnArrival))
        {
            LoseLock(message);
        }

        return message;
    }

    /// <summary>The broker's side of a settle; returns whether it accepts it.</summary>
    private bool OnSettled(RecordingSourceMessage message, string outcome)
    {
        lock (_gate)
        {
            var sequence = message.SequenceNumber;
            // A settle is refused when the broker says so, or when the lock is gone (it went while the settle was on
            // its way): the broker never settles a delivery it no longer holds the lock of.
            var refused = message.FailSettlement || message.LockLost.IsCancellationRequested;
            History.Enqueue($"settled {message.MessageId} d{message.DeliveryCount} {outcome}{(refused ? " REFUSED" : string.Empty)} {message.LastError}");
            _held.TryRemove(new KeyValuePair<long, RecordingSourceMessage>(sequence, message));
            if (refused)
            {
                // Still the broker's, locked until the lock expires.
                _locked.Add(sequence);
                if (_faults.Sessions)
                {
                    LoseSession();
                }
            }
            else if (outcome == "completed")
            {
                _done.Add(sequence);
            }
            else if (outcome == "dead-lettered")
            {
                _done.Add(sequence);
                _problems.Enqueue($"{message.MessageId} dead-lettered by the worker: {message.DeadLetterReason} {message.DeadLetterDescription}");
            }
            else if (_maxDeliveries is { } max && message.DeliveryCount >= max)
            {
                _done.Add(sequence);
                _problems.Enqueue($"{message.MessageId} abandoned at delivery {message.DeliveryCount} of {max}: the broker dead-letters it (MaxDeliveryCountExceeded); last error: {message.LastError}");
            }
            else
            {
                _available.Add(sequence);
            }

            Signal();
            return !refused;
        }
    }

    private void LoseALockOnTheWire(TagWorker.ImApi.TagRequest request)
    {
        lock (_gate)
        {
            if (!Chance(_faults.LockLostOnTheWire))
            {
                return;
            }

            var users = request.Users.Select(u => u.Account).ToHashSet(StringComparer.Ordinal);
            var candidates = _held.Values.Where(m => !m.LockLost.IsCancellationRequested && _queue[(int)m.SequenceNumber].Event.Users.Any(users.Contains)).ToArray();
            if (candidates.Length > 0)
            {
                LoseLock(candidates[_random.Next(candidates.Length)]);
            }
        }
    }

    private void LoseLock(RecordingSourceMessage message)
    {
        if (_faults.Sessions)
        {
            LoseSession();
            return;
        }

        Lose(message);
    }

    private void LoseSession()
    {
        _sessionLost = true;
        foreach (var held in _held.Values.ToArray())
        {
            Lose(held);
        }
    }

    private void Lose(RecordingSourceMessage message)
    {
        if (message.LockLost.IsCancellationRequested)
        {
            return;
        }

        // Any settle from here on is refused (one already on its way when the lock went is too): the broker keeps the
        // message until the lock expires.
        _held.TryRemove(new KeyValuePair<long, RecordingSourceMessage>(message.SequenceNumber, message));
        _locked.Add(message.SequenceNumber);
        History.Enqueue($"lock lost {message.MessageId} d{message.DeliveryCount}");
        message.LoseLock();
        Signal();
    }

    private void Release()
    {
        foreach (var sequence in _locked)
        {
            if (!_done.Contains(sequence))
            {
                _available.Add(sequence);
            }
        }

        _locked.Clear();
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    // The broker's faults stop after a while, so that a correct pipeline always gets to the end.
    private bool Chance(int percent) => percent > 0 && Deliveries < FaultyDeliveries && _random.Next(100) < percent;
}
