using TagWorker.Pipeline;

namespace TagWorker.Settlement;

/// <summary>
/// One user's settlement bookkeeping: its unsettled messages in arrival order (they settle in this order), the
/// last settlement the next one waits for, which of its messages are on their way back to the source, and the
/// highest sequence number whose change was applied in order. Owned by the coordinator's loop.
/// </summary>
internal sealed class UserLedger
{
    private static readonly Task<SettleResult> InOrder = Task.FromResult(SettleResult.Settled);

    /// <summary>This user's unsettled messages in arrival order.</summary>
    public Queue<TrackedMessage> Unsettled { get; } = new();

    /// <summary>The settlement of this user's latest settled message; the next one waits for it.</summary>
    public Task<SettleResult> LastSettlement { get; set; } = InOrder;

    /// <summary>
    /// Sequence numbers of this user's messages that went back to the source (abandoned, downgraded, lock lost,
    /// refused settles) and have not been seen again. While any is out, nothing newer of the user may be applied
    /// or completed: the returned one would land on top of it.
    /// </summary>
    public SortedSet<long> Returned { get; } = [];

    /// <summary>
    /// The highest sequence number up to which this user's changes were applied in queue order (-1 for none). A
    /// redelivered message at or below it carries nothing new for this user.
    /// </summary>
    public long Watermark { get; set; } = -1;

    /// <summary>Whether nothing about this user needs remembering.</summary>
    public bool IsIdle => Unsettled.Count == 0 && Returned.Count == 0 && LastSettlement.IsCompleted;

    /// <summary>Starts a fresh settlement order: the returned messages are back, nothing earlier is waited for.</summary>
    public void RestartOrder() => LastSettlement = InOrder;
}
