namespace TagWorker.Sources.Local;

/// <summary>
/// A message handed out by <see cref="LocalQueueSource"/>. Settling it settles its delivery in the
/// <see cref="LocalQueue"/> (throwing <see cref="MessageLockLostException"/> if the lease was lost) and frees its
/// place under <see cref="LocalQueueOptions.MaxConcurrentMessages"/> either way. Its lease cannot expire while this
/// process owns the queue, so <see cref="SourceMessage.LockedUntil"/> is <see cref="DateTimeOffset.MaxValue"/> and
/// <see cref="SourceMessage.LockLost"/> is never cancelled.
/// </summary>
public sealed class LocalQueueMessage : SourceMessage
{
    private readonly LeasedMessage _delivery;
    private readonly LocalQueue _queue;
    private readonly Action<LocalQueueMessage> _onSettled;

    internal LocalQueueMessage(LeasedMessage delivery, LocalQueue queue, int maxDeliveryCount, Action<LocalQueueMessage> onSettled)
    {
        _delivery = delivery;
        _queue = queue;
        _onSettled = onSettled;
        MaxDeliveryCount = maxDeliveryCount;
    }

    /// <summary>The id given at enqueue, the same on every delivery.</summary>
    public override string MessageId => _delivery.MessageId;

    public override ReadOnlyMemory<byte> Body => _delivery.Body;

    public override int DeliveryCount => _delivery.DeliveryCount;

    /// <summary>The message's position in the queue (the <c>seq</c> column: increasing in enqueue order, never reused).</summary>
    public override long SequenceNumber => _delivery.SequenceNumber;

    /// <summary><see cref="LocalQueueOptions.MaxDeliveryCount"/>: at this delivery count an abandon leads to the dead-letter store.</summary>
    public override int? MaxDeliveryCount { get; }

    /// <summary>The token of this delivery.</summary>
    public Guid LockToken => _delivery.LockToken;

    public DateTimeOffset EnqueuedAt => _delivery.EnqueuedAt;

    /// <summary>The error an earlier delivery was abandoned with, or null.</summary>
    public string? LastError => _delivery.LastError;

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(_queue.CompleteAsync(SequenceNumber, LockToken, cancellationToken));

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken) =>
        SettleAsync(_queue.DeadLetterAsync(SequenceNumber, LockToken, details, cancellationToken));

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(_queue.AbandonAsync(SequenceNumber, LockToken, lastError, cancellationToken));

    private async Task SettleAsync(Task settlement)
    {
        try
        {
            await settlement.ConfigureAwait(false);
        }
        finally
        {
            // Settled in the caller's eyes even if the store refused: the message is no longer ours to hold. A lease
            // left behind by a failed write is reclaimed when the next intake session starts.
            _onSettled(this);
        }
    }
}
