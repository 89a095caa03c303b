using TagWorker.ImApi;
using TagWorker.Telemetry;

namespace TagWorker.Planning;

/// <summary>
/// Per endpoint, the users whose next step is for it, and when to pack them into a request. The rate budget is per
/// endpoint, so each endpoint packs on its own: a request is formed when a full request's worth of users is
/// eligible, when the oldest has waited <see cref="BatchingOptions.MaxBatchDelay"/>, when the window is full (nothing
/// more can arrive to fill it) or on drain, and while fewer than the endpoint's in-flight cap are on the wire (users
/// left unpacked keep folding instead of queueing for a token).
/// <para>
/// Users whose next step is already fixed (a frozen fold's later step, a one-by-one replay) are always eligible.
/// Users whose next step would freeze their open fold are, while <see cref="PackingConditions.HoldOpenFolds"/> says a
/// backlog is waiting, eligible only once the fold has absorbed nothing for the backlog hold — a fold still absorbing
/// keeps waiting, since a fold packed later absorbs more of that backlog — or has been open for
/// <see cref="BacklogHoldCapFactor"/> holds, so that a user who changes all the time is still sent.
/// </para>
/// <para>
/// Open folds are kept twice an endpoint: in the order they became ready (the batch delay and a drain go by it, as
/// without a backlog) and in the order they last absorbed a change (the hold releases them by it). Both lists are
/// in time order but for a fold that becomes ready behind a frozen one with older changes already folded; it is
/// then reached once the folds ahead of it are, at most one hold later. Walks stop at the first fold not yet
/// eligible and at a request's worth of users, so a backlog of many users costs a short walk, not the whole list.
/// </para>
/// </summary>
internal sealed class RequestPacker<T>(int maxUsersPerRequest, int maxInFlightPerEndpoint, long maxBatchDelayTicks, long maxBacklogHoldTicks)
    where T : class, IPackable<T>
{
    /// <summary>How many backlog holds a fold may be held from its first change, however recently it changed.</summary>
    public const int BacklogHoldCapFactor = 4;

    private static readonly ImCommand[] Endpoints = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    private readonly EndpointLists[] _lists = [new(), new(), new()];
    private readonly long _holdCapTicks = maxBacklogHoldTicks * BacklogHoldCapFactor;

    private enum TakeOrder
    {
        /// <summary>Open folds in the order they became ready (no hold, drain).</summary>
        Ready,

        /// <summary>Only folds the hold releases: those past the cap, then the longest idle.</summary>
        Held,

        /// <summary>Every open fold, the longest idle first (window full: the folds least likely to change again).</summary>
        Idle,
    }

    /// <summary>Requests on the wire, across endpoints.</summary>
    public int InFlight { get; private set; }

    /// <summary>When the oldest change waiting on a ready list arrived (<see cref="long.MaxValue"/> when none waits).</summary>
    public long OldestReadySince
    {
        get
        {
            var oldest = long.MaxValue;
            foreach (var lists in _lists)
            {
                oldest = Math.Min(oldest, OldestReady(lists));
            }

            return oldest;
        }
    }

    /// <summary>Puts the user on the ready list its next step is for, or on none.</summary>
    public void Update(T item)
    {
        var progress = item.Progress;
        var command = progress.NextCommand;
        var open = progress.NextIsOpenFold;
        var target = command is { } next ? (open ? List(next).Open : List(next).Fixed) : null;
        if (item.ReadyNode is { } node)
        {
            if (ReferenceEquals(node.List, target))
            {
                return;
            }

            Unlink(item);
        }

        item.ReadyFor = command;
        if (target is not null)
        {
            item.ReadyNode = target.AddLast(item);
            if (open)
            {
                item.TouchedNode = List(command!.Value).Touched.AddLast(item);
            }
        }
    }

    /// <summary>
    /// The user's open fold absorbed a change: it goes to the end of its endpoint's last-touched order. A change can
    /// also move the user's next step to another endpoint (an add fold that now removes first) or make it an open
    /// fold at all; then it moves lists as <see cref="Update"/> does.
    /// </summary>
    public void Touched(T item)
    {
        if (item is { TouchedNode: { } touched, ReadyNode: { } node, ReadyFor: { } readyFor }
            && item.Progress is { NextIsOpenFold: true, NextCommand: { } next }
            && next == readyFor && ReferenceEquals(node.List, List(next).Open))
        {
            var list = touched.List!;
            list.Remove(touched);
            list.AddLast(touched);
            return;
        }

        Update(item);
    }

    /// <summary>Takes the user off any ready list (its work was dropped).</summary>
    public static void Remove(T item)
    {
        Unlink(item);
        item.ReadyFor = null;
    }

    /// <summary>A request to <paramref name="command"/> resolved.</summary>
    public void Resolved(ImCommand command)
    {
        List(command).InFlight--;
        InFlight--;
    }

    /// <summary>
    /// Forms every request that is due now, handing each endpoint's users to <paramref name="send"/> (which freezes
    /// and takes each user's step), and returns when the next one will be due (<see cref="long.MaxValue"/> for none).
    /// </summary>
    public long PackDue(long now, PackingConditions conditions, Action<ImCommand, List<T>, string> send)
    {
        var nextDue = long.MaxValue;
        // Holding only makes sense while more can arrive: a drain or a full window packs what is there.
        var holding = conditions.HoldOpenFolds && !conditions.Draining && !conditions.WindowFull;
        var idleBy = now - maxBacklogHoldTicks;
        var cappedBy = now - _holdCapTicks;
        foreach (var command in Endpoints)
        {
            var lists = List(command);
            while (lists.InFlight < maxInFlightPerEndpoint && lists.Count > 0)
            {
                var eligible = holding ? CountHeldEligible(lists, idleBy, cappedBy, maxUsersPerRequest) : Math.Min(lists.Count, maxUsersPerRequest);
                var order = holding ? TakeOrder.Held : conditions.WindowFull && !conditions.Draining ? TakeOrder.Idle : TakeOrder.Ready;
                string trigger;
                if (eligible >= maxUsersPerRequest)
                {
                    trigger = RequestTriggers.Full;
                }
                else if (conditions.Draining)
                {
                    trigger = RequestTriggers.Drain;
                    eligible = lists.Count;
                }
                else if (conditions.WindowFull)
                {
                    trigger = RequestTriggers.WindowFull;
                    eligible = lists.Count;
                }
                else
                {
                    var oldest = holding ? OldestHeldEligible(lists) : OldestReady(lists);
                    var due = oldest + maxBatchDelayTicks;
                    if (eligible == 0 || now < due)
                    {
                        nextDue = Math.Min(nextDue, eligible == 0 ? Math.Max(oldest, now + 1) : due);
                        break;
                    }

                    trigger = RequestTriggers.Delay;
                }

                var users = Take(lists, Math.Min(eligible, maxUsersPerRequest), order, idleBy, cappedBy);
                lists.InFlight++;
                InFlight++;
                send(command, users, trigger);
            }
        }

        return nextDue;
    }

    /// <summary>
    /// Users the backlog hold lets go now, counted up to <paramref name="limit"/>: fixed steps, open folds past the
    /// cap (from the front of the ready order), and open folds idle for the hold (from the front of the touched order,
    /// without those already counted as past the cap).
    /// </summary>
    private static int CountHeldEligible(EndpointLists lists, long idleBy, long cappedBy, int limit)
    {
        var count = lists.Fixed.Count;
        for (var node = lists.Open.First; count < limit && node is not null && node.Value.Progress.NextSince <= cappedBy; node = node.Next)
        {
            count++;
        }

        for (var node = lists.Touched.First; count < limit && node is not null && node.Value.Progress.OpenTouchedAt <= idleBy; node = node.Next)
        {
            if (node.Value.Progress.NextSince > cappedBy)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>When the oldest user of the endpoint became ready (no hold).</summary>
    private static long OldestReady(EndpointLists lists)
    {
        var oldest = long.MaxValue;
        if (lists.Fixed.First is { } fixedFirst)
        {
            oldest = fixedFirst.Value.Progress.NextSince;
        }

        if (lists.Open.First is { } openFirst)
        {
            oldest = Math.Min(oldest, openFirst.Value.Progress.NextSince);
        }

        return oldest;
    }

    /// <summary>When the first user of the endpoint became (or will become) eligible under the backlog hold.</summary>
    private long OldestHeldEligible(EndpointLists lists)
    {
        var oldest = long.MaxValue;
        if (lists.Fixed.First is { } fixedFirst)
        {
            oldest = fixedFirst.Value.Progress.NextSince;
        }

        if (lists.Open.First is { } openFirst)
        {
            oldest = Math.Min(oldest, openFirst.Value.Progress.NextSince + _holdCapTicks);
        }

        if (lists.Touched.First is { } touchedFirst)
        {
            oldest = Math.Min(oldest, touchedFirst.Value.Progress.OpenTouchedAt + maxBacklogHoldTicks);
        }

        return oldest;
    }

    private static List<T> Take(EndpointLists lists, int count, TakeOrder order, long idleBy, long cappedBy)
    {
        var users = new List<T>(count);
        while (users.Count < count && lists.Fixed.First is { } fixedFirst)
        {
            TakeOne(users, fixedFirst.Value);
        }

        switch (order)
        {
            case TakeOrder.Held:
                for (var node = lists.Open.First; users.Count < count && node is not null && node.Value.Progress.NextSince <= cappedBy;)
                {
                    var next = node.Next;
                    TakeOne(users, node.Value);
                    node = next;
                }

                for (var node = lists.Touched.First; users.Count < count && node is not null && node.Value.Progress.OpenTouchedAt <= idleBy;)
                {
                    var next = node.Next;
                    TakeOne(users, node.Value);
                    node = next;
                }

                break;
            case TakeOrder.Idle:
                while (users.Count < count && lists.Touched.First is { } touchedFirst)
                {
                    TakeOne(users, touchedFirst.Value);
                }

                break;
            default:
                while (users.Count < count && lists.Open.First is { } openFirst)
                {
                    TakeOne(users, openFirst.Value);
                }

                break;
        }

        return users;
    }

    private static void TakeOne(List<T> users, T item)
    {
        Unlink(item);
        item.ReadyFor = null;
        users.Add(item);
    }

    private static void Unlink(T item)
    {
        if (item.ReadyNode is { } node)
        {
            node.List!.Remove(node);
            item.ReadyNode = null;
        }

        if (item.TouchedNode is { } touched)
        {
            touched.List!.Remove(touched);
            item.TouchedNode = null;
        }
    }

    private EndpointLists List(ImCommand command) => _lists[command switch
    {
        ImCommand.RemoveAllTags => 0,
        ImCommand.RemoveTag => 1,
        _ => 2,
    }];

    private sealed class EndpointLists
    {
        public LinkedList<T> Fixed { get; } = new();

        /// <summary>Open folds in the order they became ready.</summary>
        public LinkedList<T> Open { get; } = new();

        /// <summary>The same open folds in the order they last absorbed a change.</summary>
        public LinkedList<T> Touched { get; } = new();

        public int InFlight { get; set; }

        public int Count => Fixed.Count + Open.Count;
    }
}
