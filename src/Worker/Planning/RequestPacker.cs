using TagWorker.ImApi;
using TagWorker.Telemetry;

namespace TagWorker.Planning;

/// <summary>
/// Per endpoint, the users whose next step is for it, and when to pack them into a request. The rate budget is per
/// endpoint, so each endpoint packs on its own: a request is formed when a full request's worth of users is
/// eligible, when the oldest has waited <see cref="BatchingOptions.MaxBatchDelay"/>, or on drain, and while fewer
/// than the endpoint's in-flight cap are on the wire (users left unpacked keep folding instead of queueing for a
/// token).
/// <para>
/// Two lists an endpoint: users whose next step is already fixed (a frozen fold's later step, a one-by-one
/// replay) are always eligible; users whose next step would freeze their open fold are eligible only once the fold
/// is older than the backlog hold while <see cref="PackingConditions.HoldOpenFolds"/> says a backlog is waiting — a
/// fold packed later absorbs more of that backlog.
/// </para>
/// </summary>
internal sealed class RequestPacker<T>(int maxUsersPerRequest, int maxInFlightPerEndpoint, long maxBatchDelayTicks, long maxBacklogHoldTicks)
    where T : class, IPackable<T>
{
    private static readonly ImCommand[] Endpoints = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    private readonly EndpointLists[] _lists = [new(), new(), new()];

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
                oldest = Math.Min(oldest, Oldest(lists, 0));
            }

            return oldest;
        }
    }

    /// <summary>Puts the user on the ready list its next step is for, or on none.</summary>
    public void Update(T item)
    {
        var progress = item.Progress;
        var target = progress.NextCommand is { } command
            ? (progress.NextIsOpenFold ? List(command).Open : List(command).Fixed)
            : null;
        if (item.ReadyNode is { } node)
        {
            if (ReferenceEquals(node.List, target))
            {
                return;
            }

            node.List!.Remove(node);
            item.ReadyNode = null;
        }

        item.ReadyFor = progress.NextCommand;
        if (target is not null)
        {
            item.ReadyNode = target.AddLast(item);
        }
    }

    /// <summary>Takes the user off any ready list (its work was dropped).</summary>
    public static void Remove(T item)
    {
        if (item.ReadyNode is { } node)
        {
            node.List!.Remove(node);
            item.ReadyNode = null;
        }

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
        var hold = conditions.HoldOpenFolds ? maxBacklogHoldTicks : 0;
        foreach (var command in Endpoints)
        {
            var lists = List(command);
            while (lists.InFlight < maxInFlightPerEndpoint && lists.Count > 0)
            {
                var eligible = lists.Fixed.Count + CountEligibleOpen(lists.Open, now - hold);
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
                else
                {
                    var oldest = Oldest(lists, hold);
                    var due = oldest + maxBatchDelayTicks;
                    if (eligible == 0 || now < due)
                    {
                        nextDue = Math.Min(nextDue, eligible == 0 ? Math.Max(oldest, now + 1) : due);
                        break;
                    }

                    trigger = RequestTriggers.Delay;
                }

                var users = Take(lists, Math.Min(eligible, maxUsersPerRequest));
                lists.InFlight++;
                InFlight++;
                send(command, users, trigger);
            }
        }

        return nextDue;
    }

    private static int CountEligibleOpen(LinkedList<T> open, long openedBy)
    {
        // The open list is in the order folds became ready, which is close to the order they opened; counting stops
        // at the first young fold, so a backlog costs a short walk, not the whole list.
        var count = 0;
        for (var node = open.First; node is not null && node.Value.Progress.NextSince <= openedBy; node = node.Next)
        {
            count++;
        }

        return count;
    }

    /// <summary>When the oldest user of the endpoint became (or will become) eligible.</summary>
    private static long Oldest(EndpointLists lists, long hold)
    {
        var oldest = long.MaxValue;
        if (lists.Fixed.First is { } fixedFirst)
        {
            oldest = fixedFirst.Value.Progress.NextSince;
        }

        if (lists.Open.First is { } openFirst)
        {
            oldest = Math.Min(oldest, openFirst.Value.Progress.NextSince + hold);
        }

        return oldest;
    }

    private static List<T> Take(EndpointLists lists, int count)
    {
        var users = new List<T>(count);
        while (users.Count < count && (lists.Fixed.First ?? lists.Open.First) is { } node)
        {
            node.List!.Remove(node);
            node.Value.ReadyNode = null;
            node.Value.ReadyFor = null;
            users.Add(node.Value);
        }

        return users;
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

        public LinkedList<T> Open { get; } = new();

        public int InFlight { get; set; }

        public int Count => Fixed.Count + Open.Count;
    }
}

/// <summary>What the packer is told about the pipeline as a whole each time it packs.</summary>
internal readonly record struct PackingConditions(bool Draining, bool HoldOpenFolds);
