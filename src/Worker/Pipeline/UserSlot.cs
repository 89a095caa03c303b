using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Planning;
using TagWorker.Settlement;

namespace TagWorker.Pipeline;

/// <summary>
/// Everything the coordinator keeps about one user, one part per stage: its progress (Merging), its place on a
/// ready list (Planning) and its settlement ledger (Settlement).
/// </summary>
internal sealed class UserSlot(string account) : IPackable<UserSlot>
{
    public string Account { get; } = account;

    public UserProgress Progress { get; } = new(account);

    public UserLedger Ledger { get; } = new();

    public ImCommand? ReadyFor { get; set; }

    public LinkedListNode<UserSlot>? ReadyNode { get; set; }

    public LinkedListNode<UserSlot>? TouchedNode { get; set; }

    /// <summary>The user's work is to be dropped as soon as the step on the wire resolves (lock lost, returned).</summary>
    public bool DropWhenResolved { get; set; }

    /// <summary>Why the dropped work goes back (the last error), when it does.</summary>
    public string? DropReason { get; set; }

    /// <summary>Whether the dropped work's messages are lost (never settled) rather than returned.</summary>
    public bool DropAsLost { get; set; }

    public bool IsIdle => Progress.IsIdle && !Progress.InFlight && Ledger.IsIdle;
}
