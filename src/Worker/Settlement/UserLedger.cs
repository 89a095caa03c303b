using TagWorker.Pipeline;

namespace TagWorker.Settlement;

/// <summary>
/// One user's settlement bookkeeping: its unsettled messages in queue order (they settle in this order), the last
/// settlement the next one waits for, which of its messages are on their way back to the source, the newer ones
/// parked until those are back, and the highest sequence number whose change was applied in order. Owned by the
/// coordinator's loop.
/// </summary>
internal sealed class UserLedger
{
    private static readonly Task<SettleResult> InOrder = Task.FromResult(SettleResult.Settled);

    /// <summary>
    /// This user's unsettled messages in sequence order. Arrivals are almost always newest, so insertion looks from
    /// the end; a redelivery of a returned message goes back to its place, ahead of newer ones parked behind it.
    /// </summary>
    public LinkedList<TrackedMessage> Unsettled { get; } = new();

    /// <summary>The settlement of this user's latest settled message; the next one waits for it.</summary>
    public Task<SettleResult> LastSettlement { get; set; } = InOrder;

    /// <summary>
    /// Sequence numbers of this user's messages that went back to the source (abandoned, downgraded, lock lost,
    /// refused settles) and have not been seen again. While any is out, nothing newer of the user may be applied
    /// or completed: the returned one would land on top of it.
    /// </summary>
    public SortedSet<long> Returned { get; } = [];

    /// <summary>
    /// Newer messages that arrived while an older one was on its way back: they wait here, unsent and unsettled (no
    /// delivery of theirs is spent), and go on in order once the older ones are back.
    /// </summary>
    public SortedDictionary<long, TrackedMessage> Parked { get; } = [];

    /// <summary>When the oldest parked message was parked (TimeProvider timestamp), or 0.</summary>
    public long ParkedSince { get; set; }

    /// <summary>
    /// The highest sequence number up to which this user's changes were applied in queue order (-1 for none). A
    /// redelivered message at or below it carries nothing new for this user.
    /// </summary>
    public long Watermark { get; set; } = -1;

    /// <summary>
    /// This user's messages whose settlement was started and whose outcome the coordinator has not handled yet: any
    /// of them may still turn out refused (lock lost), so the user is not forgotten, and its settlement order is not
    /// restarted past an older one, until it has. A message that comes back before its report is taken off: the
    /// report is then stale.
    /// </summary>
    public HashSet<TrackedMessage> Settling { get; } = [];

    /// <summary>Whether nothing about this user needs remembering.</summary>
    public bool IsIdle => Unsettled.Count == 0 && Returned.Count == 0 && Parked.Count == 0 && Settling.Count == 0 && LastSettlement.IsCompleted;

    /// <summary>The oldest unsettled message, which settles first.</summary>
    public TrackedMessage? Oldest => Unsettled.First?.Value;

    /// <summary>
    /// Adds an arriving message in sequence order, after any earlier delivery of it that is not settled yet (a lost
    /// one waits in its place until it is the oldest), and marks that earlier delivery superseded.
    /// </summary>
    public void AddUnsettled(TrackedMessage message)
    {
        var node = Unsettled.Last;
        while (node is not null && node.Value.Sequence > message.Sequence)
        {
            node = node.Previous;
        }

        if (node is not null && node.Value.Sequence == message.Sequence && !ReferenceEquals(node.Value, message))
        {
            node.Value.Superseded = true;
        }

        if (node is null)
        {
            Unsettled.AddFirst(message);
        }
        else
        {
            Unsettled.AddAfter(node, message);
        }
    }

    /// <summary>Starts a fresh settlement order: the returned messages are back, nothing earlier is waited for.</summary>
    public void RestartOrder() => LastSettlement = InOrder;

    /// <summary>
    /// Starts a fresh settlement order that still waits for <paramref name="older"/> (settlements of older messages
    /// not reported yet): the next message keeps the order only if all of them did.
    /// </summary>
    public void RestartOrderAfter(IReadOnlyList<Task<SettleResult>> older)
    {
        if (older.Count == 0)
        {
            RestartOrder();
        }
        else if (older.All(static t => t.IsCompleted))
        {
            LastSettlement = Task.FromResult(Combined(older));
        }
        else
        {
            LastSettlement = Task.WhenAll(older).ContinueWith(
                _ => Combined(older),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        static SettleResult Combined(IReadOnlyList<Task<SettleResult>> settled) =>
            settled.All(static t => t.Result.KeepsOrder()) ? SettleResult.Settled : SettleResult.Failed;
    }
}
