namespace TagWorker.Sources.Local;

/// <summary>
/// One delivery of a local queue message: the message and the lock that holds it until
/// <see cref="LockedUntil"/>. Settle or renew it with <see cref="SequenceNumber"/> and <see cref="LockToken"/>.
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
        DateTimeOffset lockedUntil)
    {
        SequenceNumber = sequenceNumber;
        MessageId = messageId;
        Body = body;
        EnqueuedAt = enqueuedAt;
        DeliveryCount = deliveryCount;
        LockToken = lockToken;
        LockedUntil = lockedUntil;
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

    /// <summary>When the lock expires unless renewed (millisecond precision).</summary>
    public DateTimeOffset LockedUntil { get; }
}
