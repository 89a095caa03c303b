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
/// The merger, barrier, packer and settlement order in one place. All pipeline state is owned by a single loop that
/// reads <see cref="PipelineSignal"/>s, so nothing is shared between threads: intake callbacks, call completions and
/// timers only post signals.
/// <para>
/// Packing is incremental and per endpoint, because the rate budget is per endpoint: each endpoint keeps a list of
/// users whose next step is for it, oldest first, and a request is formed as soon as the list holds a full request
/// (or its oldest user waited <see cref="BatchingOptions.MaxBatchDelay"/>, or the pipeline drains). A user's open fold
/// keeps absorbing changes until the moment it is packed, and is then frozen into steps by the
/// <see cref="BatchPlanner"/>; its later steps join the next endpoint's list as each one resolves. So a backlog yields
/// full requests on every endpoint at once, and one user is never on the wire twice.
/// </para>
/// One coordinator serves one intake session: it is drained (finish or abandon) and thrown away when intake stops.
/// </summary>
internal sealed class PipelineCoordinator : IAsyncDisposable
{
    private static readonly ImCommand[] Endpoints = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    private readonly Channel<PipelineSignal> _signals = Channel.CreateUnbounded<PipelineSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, UserSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<ImCommand, LinkedList<UserSlot>> _ready = Endpoints.ToDictionary(static c => c, static _ => new LinkedList<UserSlot>());
    private readonly Dictionary<ImCommand, int> _inFlight = Endpoints.ToDictionary(static c => c, static _ => 0);
    private readonly HashSet<UserSlot> _idleSlots = [];
    private readonly BatchPlanner _planner;
    private readonly RequestDispatcher _dispatcher;
    private readonly MessageSettler _settler;
    private readonly TagWorkerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long _maxBatchDelayTicks;
    private readonly int _maxUsersPerRequest;
    private readonly int _maxInFlightPerEndpoint;
    private readonly ITimer _flushTimer;
    private readonly CancellationTokenSource _hardStop = new();
    private long _timerDue = long.MaxValue;
    private int _unresolvedCalls;
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
        TimeProvider timeProvider,
        ILogger<PipelineCoordinator> logger)
    {
        _planner = planner;
        _dispatcher = dispatcher;
        _settler = settler;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxBatchDelayTicks = (long)(batching.Value.MaxBatchDelay.TotalSeconds * timeProvider.TimestampFrequency);
        _maxUsersPerRequest = batching.Value.MaxUsersPerRequest;

        // Requests beyond what the endpoint can have on the wire would only queue for tokens; leaving their users
        // unpacked lets them keep folding instead.
        _maxInFlightPerEndpoint = imApi.Value.MaxConcurrentRequests;
        _flushTimer = timeProvider.CreateTimer(static state => ((PipelineCoordinator)state!).Post(new PipelineSignal.Tick()), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether new messages are still welcome (false once draining started).</summary>
    public bool IsAccepting => _accepting;

    /// <summary>Hands a valid event to the pipeline. Called by intake from any thread.</summary>
    public void Accept(SourceMessage message, TagChangeEvent tagEvent)
    {
        Interlocked.Increment(ref _trackedMessages);
        Post(new PipelineSignal.MessageAccepted(message, tagEvent));
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

            SendReadyRequests();
            if (_drain is not null && _intakeStopped && Volatile.Read(ref _trackedMessages) == 0 && _unresolvedCalls == 0)
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
                OnCallResolved(resolved.Request, resolved.Outcomes);
                break;
            case PipelineSignal.Drain drain:
                OnDrain(drain.Mode);
                break;
            case PipelineSignal.IntakeStopped:
                _intakeStopped = true;
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

            _idleSlots.Remove(slot);
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
            UpdateReadiness(slot);
        }

        if (tracked.Abandon || tagEvent.Users.Count == 0)
        {
            TrySettle(tracked);
        }
    }

    /// <summary>Puts the user on the ready list of the endpoint its next step is for, or on none.</summary>
    private void UpdateReadiness(UserSlot slot)
    {
        ImCommand? next = null;
        long since = 0;
        if (!slot.InFlight && _drain is not DrainMode.Abandon)
        {
            if (slot.Frozen && slot.Steps.TryPeek(out var step))
            {
                (next, since) = (step.Command, slot.FrozenSince);
            }
            else if (!slot.Frozen && slot.Pending is { IsEmpty: false } pending)
            {
                next = pending.Reset ? ImCommand.RemoveAllTags : pending.Removes.Count > 0 ? ImCommand.RemoveTag : ImCommand.AddTag;
                since = slot.PendingSince;
            }
        }

        if (slot.ReadyFor == next)
        {
            return;
        }

        if (slot.ReadyNode is not null)
        {
            _ready[slot.ReadyFor!.Value].Remove(slot.ReadyNode);
            slot.ReadyNode = null;
        }

        slot.ReadyFor = next;
        if (next is { } command)
        {
            slot.ReadySince = since;
            slot.ReadyNode = _ready[command].AddLast(slot);
        }
    }

    /// <summary>Forms and sends every request that is due, and arms the timer for the next one that will be.</summary>
    private void SendReadyRequests()
    {
        var now = _timeProvider.GetTimestamp();
        var nextDue = long.MaxValue;
        foreach (var command in Endpoints)
        {
            var ready = _ready[command];
            while (ready.First is { } oldest && _inFlight[command] < _maxInFlightPerEndpoint)
            {
                // Ready lists are in arrival order except for users whose oldest change is older than their place
                // (a frozen fold's later step); the head is a close enough proxy for the batch delay.
                var due = oldest.Value.ReadySince + _maxBatchDelayTicks;
                if (ready.Count < _maxUsersPerRequest && _drain is null && now < due)
                {
                    nextDue = Math.Min(nextDue, due);
                    break;
                }

                _metrics.RequestFormed(command, ready.Count >= _maxUsersPerRequest ? RequestTriggers.Full : _drain is null ? RequestTriggers.Delay : RequestTriggers.Drain);
                Send(command, ready);
            }
        }

        if (nextDue < _timerDue)
        {
            _timerDue = nextDue;
            _flushTimer.Change(_timeProvider.GetElapsedTime(now, nextDue), Timeout.InfiniteTimeSpan);
        }
    }

    private void Send(ImCommand command, LinkedList<UserSlot> ready)
    {
        var users = new List<UserTags>(Math.Min(ready.Count, _maxUsersPerRequest));
        while (users.Count < _maxUsersPerRequest && ready.First is { } node)
        {
            var slot = node.Value;
            ready.RemoveFirst();
            slot.ReadyNode = null;
            slot.ReadyFor = null;
            if (!slot.Frozen)
            {
                Freeze(slot);
            }

            var step = slot.Steps.Dequeue();
            slot.InFlight = true;
            users.Add(new UserTags(slot.Account, step.Tags));
        }

        var request = new TagRequest(command, users);
        _inFlight[command]++;
        _unresolvedCalls++;
        _ = SendAsync(request);
    }

    /// <summary>Turns the open fold into the steps that apply it, in phase order (remove-all, remove, add).</summary>
    private void Freeze(UserSlot slot)
    {
        foreach (var request in _planner.Plan([new KeyValuePair<string, UserTagChange>(slot.Account, slot.Pending!)]))
        {
            slot.Steps.Enqueue((request.Command, request.Users[0].Tags));
        }

        slot.Frozen = true;
        slot.FrozenSince = slot.PendingSince;
        slot.FrozenMessages = slot.PendingMessages;
        slot.FrozenFailure = null;
        slot.FrozenAbandoned = false;
        slot.PendingMessages = [];
        slot.Pending = null;
    }

    private async Task SendAsync(TagRequest request)
    {
        IReadOnlyList<UserOutcome> outcomes;
        try
        {
            outcomes = await _dispatcher.DispatchAsync(request, _hardStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            outcomes = AbandonAll(request);
        }
#pragma warning disable CA1031 // An unexpected fault must not lose the users' messages: they go back to the source.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PipelineFailed(_logger, exception);
            outcomes = AbandonAll(request);
        }

        Post(new PipelineSignal.CallResolved(request, outcomes));
    }

    private static UserOutcome[] AbandonAll(TagRequest request) =>
        request.Users.Select(static u => UserOutcome.Abandoned(u.Account)).ToArray();

    private void OnCallResolved(TagRequest request, IReadOnlyList<UserOutcome> outcomes)
    {
        _inFlight[request.Command]--;
        _unresolvedCalls--;
        foreach (var outcome in outcomes)
        {
            var slot = _slots[outcome.Account];
            slot.InFlight = false;
            switch (outcome.Kind)
            {
                case UserOutcomeKind.Failed:
                    slot.FrozenFailure ??= outcome;
                    break;
                case UserOutcomeKind.Abandoned:
                    slot.FrozenAbandoned = true;
                    break;
            }

            if (slot.FrozenAbandoned || _drain is DrainMode.Abandon)
            {
                slot.FrozenAbandoned = true;
                slot.Steps.Clear();
            }

            if (slot.Steps.Count == 0)
            {
                ResolveFrozenFold(slot);
            }

            UpdateReadiness(slot);
        }
    }

    private void ResolveFrozenFold(UserSlot slot)
    {
        var messages = slot.FrozenMessages;
        slot.FrozenMessages = [];
        slot.Frozen = false;
        foreach (var message in messages)
        {
            if (slot.FrozenAbandoned)
            {
                message.Abandon = true;
            }
            else if (slot.FrozenFailure is { } failure)
            {
                (message.Failures ??= []).Add(failure);
            }

            ResolveOne(message);
        }

        if (_drain is DrainMode.Abandon && slot.Pending is not null)
        {
            AbandonPending(slot);
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
        Log.Draining(_logger, mode == DrainMode.Finish ? "sending what is pending, then stopping" : "abandoning what is unresolved", _slots.Count, _unresolvedCalls);
        if (mode != DrainMode.Abandon)
        {
            return;
        }

        // Users with a request on the wire give their changes back when it resolves; the others give them back now.
        foreach (var slot in _slots.Values.ToArray())
        {
            UpdateReadiness(slot);
            if (slot.InFlight)
            {
                continue;
            }

            if (slot.Frozen)
            {
                slot.FrozenAbandoned = true;
                slot.Steps.Clear();
                ResolveFrozenFold(slot);
            }
            else if (slot.Pending is not null)
            {
                AbandonPending(slot);
            }
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
            ResolveOne(message);
        }

        RemoveIfIdle(slot);
    }

    private void ResolveOne(TrackedMessage message)
    {
        message.Unresolved--;
        if (message.Unresolved == 0)
        {
            TrySettle(message);
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
        if (!slot.IsIdle)
        {
            return;
        }

        // The slot remembers the user's last settlement, which the user's next message must wait for; forget the
        // slot only once that settlement is done, and sweep the others later.
        if (slot.LastSettlement.IsCompleted)
        {
            _slots.Remove(slot.Account);
            _idleSlots.Remove(slot);
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

        foreach (var slot in _idleSlots.ToArray())
        {
            _idleSlots.Remove(slot);
            if (_slots.TryGetValue(slot.Account, out var current) && ReferenceEquals(current, slot))
            {
                RemoveIfIdle(slot);
            }
        }
    }
}
