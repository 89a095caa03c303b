namespace TagWorker.Sources.Local;

/// <summary>
/// A settlement waiting for the I/O thread. Settlements are group-committed: the thread writes every settlement
/// waiting when it gets to them in one transaction, so a burst of concurrent settlers shares a few commits.
/// </summary>
/// <remarks>
/// A settlement of a handed-out <see cref="LocalQueueMessage"/> tells the message once it is written or has failed,
/// before its task completes (<see cref="LocalQueueMessage.OnSettlementEnded"/>), so the source frees its place
/// without another continuation hop per message.
/// </remarks>
internal sealed class PendingSettlement : LocalQueueWork
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LocalQueueMessage? _message;

    private PendingSettlement(
        SettlementKind kind, long sequenceNumber, Guid lockToken, string? reason, string? description, string? text)
    {
        Kind = kind;
        SequenceNumber = sequenceNumber;
        LockToken = lockToken;
        Reason = reason;
        Description = description;
        Text = text;
    }

    public SettlementKind Kind { get; }

    public long SequenceNumber { get; }

    public Guid LockToken { get; }

    /// <summary>The dead-letter reason.</summary>
    public string? Reason { get; }

    /// <summary>The dead-letter description.</summary>
    public string? Description { get; }

    /// <summary>An abandon's last error, or a dead letter's failed users as JSON; null for none.</summary>
    public string? Text { get; }

    /// <summary>Completes once written; faults with <see cref="MessageLockLostException"/> or the write's failure.</summary>
    public Task Written => _written.Task;

    public static PendingSettlement Complete(long sequenceNumber, Guid lockToken) =>
        new(SettlementKind.Complete, sequenceNumber, lockToken, null, null, null);

    public static PendingSettlement Abandon(long sequenceNumber, Guid lockToken, string? lastError) =>
        new(SettlementKind.Abandon, sequenceNumber, lockToken, null, null, lastError);

    public static PendingSettlement DeadLetter(long sequenceNumber, Guid lockToken, DeadLetterDetails details) =>
        new(SettlementKind.DeadLetter, sequenceNumber, lockToken, details.Reason, details.Description,
            FailedUsersJson.Serialize(details.FailedUsers));

    /// <summary>Makes <paramref name="message"/> hear when this settlement of it ends, whichever way.</summary>
    public PendingSettlement For(LocalQueueMessage message)
    {
        _message = message;
        return this;
    }

    public void Succeed()
    {
        Ended();
        _written.TrySetResult();
    }

    public override void Fail(Exception exception)
    {
        Ended();
        _written.TrySetException(exception);
    }

    protected override void SetCanceled(CancellationToken cancellationToken)
    {
        Ended();
        _written.TrySetCanceled(cancellationToken);
    }

    // At most once: the first way it ends is the one that counts.
    private void Ended() => Interlocked.Exchange(ref _message, null)?.OnSettlementEnded();
}
