namespace TagWorker.Sources;

/// <summary>
/// The configured source's dead-letter store, for the <c>deadletters</c> verbs: the local queue's dead-letter table,
/// or the Service Bus entity's dead-letter sub-queue (read with peek-lock, so a failed removal loses nothing).
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Every dead letter, oldest first, without removing any.</summary>
    IAsyncEnumerable<DeadLetterRecord> ListAsync(CancellationToken cancellationToken);

    /// <summary>One dead letter by <see cref="DeadLetterRecord.Id"/>, or null when there is none.</summary>
    Task<DeadLetterRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes one dead letter; false when it was not there (already removed).</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken);
}

/// <summary>
/// One dead letter as the <c>deadletters</c> verbs show it. <see cref="Id"/> is stable across listings: the local
/// queue's sequence number, or the Service Bus sequence number in the dead-letter sub-queue.
/// <see cref="FailedUsers"/> is null when the whole message failed.
/// </summary>
public sealed record DeadLetterRecord(
    string Id,
    string MessageId,
    string Reason,
    string Description,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DeadLetteredAt,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<FailedUser>? FailedUsers,
    string? LastError = null,
    string? SessionId = null);
