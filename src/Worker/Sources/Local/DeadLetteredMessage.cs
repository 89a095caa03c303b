namespace TagWorker.Sources.Local;

/// <summary>A message in the local queue's dead-letter store, with why it was put there.</summary>
public sealed class DeadLetteredMessage
{
    public DeadLetteredMessage(
        long sequenceNumber,
        string messageId,
        ReadOnlyMemory<byte> body,
        string reason,
        string description,
        int deliveryCount,
        DateTimeOffset deadLetteredAt)
    {
        SequenceNumber = sequenceNumber;
        MessageId = messageId;
        Body = body;
        Reason = reason;
        Description = description;
        DeliveryCount = deliveryCount;
        DeadLetteredAt = deadLetteredAt;
    }

    /// <summary>The sequence number the message had in the queue.</summary>
    public long SequenceNumber { get; }

    public string MessageId { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>A short machine-readable reason, e.g. <c>MaxDeliveryCountExceeded</c> or <c>InvalidEvent</c>.</summary>
    public string Reason { get; }

    public string Description { get; }

    /// <summary>Deliveries of the message before it was dead-lettered.</summary>
    public int DeliveryCount { get; }

    public DateTimeOffset DeadLetteredAt { get; }
}
