using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Merging;

namespace TagWorker.Pipeline;

/// <summary>
/// Everything the coordinator knows about one user. New changes fold into the open fold (<see cref="Pending"/>). When
/// the user is first packed into a request, the open fold is frozen into a sequence of steps (remove-all, remove
/// chunks, add chunks) that go out one at a time: at most one request carrying the user is on the wire. While a frozen
/// fold has steps left the user is behind a barrier: new changes fold into a fresh <see cref="Pending"/> and wait.
/// </summary>
internal sealed class UserSlot(string account)
{
    public string Account { get; } = account;

    /// <summary>The open fold: changes not yet frozen (merge algebra).</summary>
    public UserTagChange? Pending { get; set; }

    /// <summary>When the oldest change in <see cref="Pending"/> arrived (TimeProvider timestamp).</summary>
    public long PendingSince { get; set; }

    /// <summary>Messages whose change for this user is in <see cref="Pending"/>.</summary>
    public List<TrackedMessage> PendingMessages { get; set; } = [];

    /// <summary>Whether a frozen fold is being applied (its steps, or the last of them, still unresolved).</summary>
    public bool Frozen { get; set; }

    /// <summary>When the frozen fold's oldest change arrived.</summary>
    public long FrozenSince { get; set; }

    /// <summary>Messages whose change for this user is in the frozen fold.</summary>
    public List<TrackedMessage> FrozenMessages { get; set; } = [];

    /// <summary>The frozen fold's steps not yet sent, in order.</summary>
    public Queue<(ImCommand Command, IReadOnlyList<string> Tags)> Steps { get; } = new();

    /// <summary>Whether a request carrying this user is on the wire.</summary>
    public bool InFlight { get; set; }

    /// <summary>The first failure among the frozen fold's steps.</summary>
    public UserOutcome? FrozenFailure { get; set; }

    /// <summary>Whether the frozen fold was abandoned (its remaining steps are dropped).</summary>
    public bool FrozenAbandoned { get; set; }

    /// <summary>The endpoint whose ready list holds this user, if any, and the user's node in it.</summary>
    public ImCommand? ReadyFor { get; set; }

    public LinkedListNode<UserSlot>? ReadyNode { get; set; }

    /// <summary>When the user became ready for <see cref="ReadyFor"/> (its oldest change's arrival).</summary>
    public long ReadySince { get; set; }

    /// <summary>This user's unsettled messages in arrival order: they are settled in this order.</summary>
    public Queue<TrackedMessage> Unsettled { get; } = new();

    /// <summary>The settlement of this user's latest settled message; the next one waits for it.</summary>
    public Task LastSettlement { get; set; } = Task.CompletedTask;

    /// <summary>
    /// An earlier message of this user was abandoned: later ones must be abandoned too, or a redelivery would replay
    /// the older change on top of a newer one that was already completed.
    /// </summary>
    public bool Tainted { get; set; }

    public bool IsIdle => Pending is null && !Frozen && Unsettled.Count == 0;
}
