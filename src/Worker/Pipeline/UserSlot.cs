using TagWorker.Dispatch;
using TagWorker.Merging;

namespace TagWorker.Pipeline;

/// <summary>
/// Everything the coordinator knows about one user. Changes fold into <see cref="Pending"/>; when planned they become
/// the in-flight fold, whose calls run strictly one after another. While a fold is in flight the user is behind a
/// barrier: new changes keep folding into <see cref="Pending"/> but are not planned until the in-flight fold resolves.
/// </summary>
internal sealed class UserSlot(string account)
{
    public string Account { get; } = account;

    /// <summary>Changes not yet planned, folded (merge algebra).</summary>
    public UserTagChange? Pending { get; set; }

    /// <summary>When the oldest change in <see cref="Pending"/> arrived (timestamp from the TimeProvider).</summary>
    public long PendingSince { get; set; }

    /// <summary>Messages whose change for this user is in <see cref="Pending"/>.</summary>
    public List<TrackedMessage> PendingMessages { get; set; } = [];

    /// <summary>Messages whose change for this user is in the in-flight fold.</summary>
    public List<TrackedMessage> InFlightMessages { get; set; } = [];

    /// <summary>The in-flight fold's calls in plan order; only the head may be on the wire.</summary>
    public Queue<PlannedCall> Calls { get; } = new();

    /// <summary>The first failure among the in-flight fold's calls.</summary>
    public UserOutcome? InFlightFailure { get; set; }

    /// <summary>Whether any of the in-flight fold's calls was abandoned.</summary>
    public bool InFlightAbandoned { get; set; }

    /// <summary>This user's unsettled messages in arrival order: they are settled in this order.</summary>
    public Queue<TrackedMessage> Unsettled { get; } = new();

    /// <summary>The settlement of this user's latest settled message; the next one waits for it.</summary>
    public Task LastSettlement { get; set; } = Task.CompletedTask;

    /// <summary>
    /// An earlier message of this user was abandoned: later ones must be abandoned too, or a redelivery would replay
    /// the older change on top of a newer one that was already completed.
    /// </summary>
    public bool Tainted { get; set; }

    public bool IsIdle => Pending is null && Calls.Count == 0 && Unsettled.Count == 0;
}
