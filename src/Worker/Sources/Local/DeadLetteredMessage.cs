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
        DateTimeOffset deadLetteredAt,
        DateTimeOffset? enqueuedAt = null,
        string? lastError = null,
        IReadOnlyList<FailedUser>? failedUsers = null)
    {
        SequenceNumber = sequenceNumber;
        MessageId = messageId;
        Body = body;
        Reason = reason;
        Description = description;
        DeliveryCount = deliveryCount;
        DeadLetteredAt = deadLetteredAt;
        EnqueuedAt = enqueuedAt;
        LastError = lastError;
        FailedUsers = failedUsers;
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

    /// <summary>When the message was enqueued; null for dead letters written by schema version 1, which did not keep it.</summary>
    public DateTimeOffset? EnqueuedAt { get; }

    /// <summary>The error the message was last abandoned with, or null.</summary>
    public string? LastError { get; }

    /// <summary>The users whose change failed, or null when the whole message failed.</summary>
    public IReadOnlyList<FailedUser>? FailedUsers { get; }
}
