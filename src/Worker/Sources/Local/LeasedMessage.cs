namespace TagWorker.Sources.Local;

/// <summary>
/// One delivery of a local queue message, leased until it is settled or an owner reclaims it (leases do not expire:
/// see <see cref="LocalQueueOwnership"/>). Settle it with <see cref="SequenceNumber"/> and <see cref="LockToken"/>.
/// </summary>
public sealed class LeasedMessage
{
    public LeasedMessage(
        long sequenceNumber,
        string messageId,
        ReadOnlyMemory<byte> body,
        DateTimeOffset enqueuedAt,
        int deliveryCount,
        Guid lockToken,
        string? lastError)
    {
        SequenceNumber = sequenceNumber;
        MessageId = messageId;
        Body = body;
        EnqueuedAt = enqueuedAt;
        DeliveryCount = deliveryCount;
        LockToken = lockToken;
        LastError = lastError;
    }

    /// <summary>The queue's position of the message: increasing in enqueue order, never reused.</summary>
    public long SequenceNumber { get; }

    /// <summary>The id given to the message when it was enqueued; the same on every delivery.</summary>
    public string MessageId { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public DateTimeOffset EnqueuedAt { get; }

    /// <summary>Deliveries of the message so far, this one included (1 the first time).</summary>
    public int DeliveryCount { get; }

    /// <summary>Identifies this delivery; a new receive of the same message gets a new token.</summary>
    public Guid LockToken { get; }

    /// <summary>The error an earlier delivery was abandoned with (the latest one given), or null.</summary>
    public string? LastError { get; }
}
