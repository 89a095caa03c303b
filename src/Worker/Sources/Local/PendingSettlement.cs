namespace TagWorker.Sources.Local;

/// <summary>
/// A settlement waiting to be written. Settlements are group-committed: whoever holds the write turn writes every
/// waiting settlement in one transaction, so concurrent settlers share a commit instead of queueing for one each.
/// </summary>
internal sealed class PendingSettlement
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Withdrawn = 2;

    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    private PendingSettlement(SettlementKind kind, long sequenceNumber, Guid lockToken, string? reason, string? description)
    {
        Kind = kind;
        SequenceNumber = sequenceNumber;
        LockToken = lockToken;
        Reason = reason;
        Description = description;
    }

    public SettlementKind Kind { get; }

    public long SequenceNumber { get; }

    public Guid LockToken { get; }

    public string? Reason { get; }

    public string? Description { get; }

    /// <summary>Completes once written; faults with <see cref="MessageLockLostException"/> or the write's failure.</summary>
    public Task Written => _written.Task;

    /// <summary>Whether a writer took it (it is then written, or failed, by the time that writer gives the turn back).</summary>
    public bool IsTaken => Volatile.Read(ref _state) == Taken;

    public static PendingSettlement Complete(long sequenceNumber, Guid lockToken) =>
        new(SettlementKind.Complete, sequenceNumber, lockToken, null, null);

    public static PendingSettlement Abandon(long sequenceNumber, Guid lockToken) =>
        new(SettlementKind.Abandon, sequenceNumber, lockToken, null, null);

    public static PendingSettlement DeadLetter(long sequenceNumber, Guid lockToken, string reason, string description) =>
        new(SettlementKind.DeadLetter, sequenceNumber, lockToken, reason, description);

    /// <summary>Claims it for the current write; false if it was withdrawn or claimed already.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Withdraws it because its caller gave up; false if a writer took it first (it will still be written).</summary>
    public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting;

    public void Succeed() => _written.TrySetResult();

    public void Fail(Exception exception) => _written.TrySetException(exception);
}
