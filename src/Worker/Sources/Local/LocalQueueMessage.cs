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
    // The delivery's fields are copied rather than the LeasedMessage kept, and the source itself is the settle
    // callback: a held message is one object here, not three (the window holds up to 250,000 of them).
    private readonly LocalQueueSource _source;
    private readonly string _messageId;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly long _sequenceNumber;
    private readonly int _deliveryCount;

    internal LocalQueueMessage(LeasedMessage delivery, LocalQueueSource source, int maxDeliveryCount)
    {
        _source = source;
        _messageId = delivery.MessageId;
        _body = delivery.Body;
        _sequenceNumber = delivery.SequenceNumber;
        _deliveryCount = delivery.DeliveryCount;
        LockToken = delivery.LockToken;
        EnqueuedAt = delivery.EnqueuedAt;
        LastError = delivery.LastError;
        MaxDeliveryCount = maxDeliveryCount;
    }

    /// <summary>The id given at enqueue, the same on every delivery.</summary>
    public override string MessageId => _messageId;

    public override ReadOnlyMemory<byte> Body => _body;

    public override int DeliveryCount => _deliveryCount;

    /// <summary>The message's position in the queue (the <c>seq</c> column: increasing in enqueue order, never reused).</summary>
    public override long SequenceNumber => _sequenceNumber;

    /// <summary><see cref="LocalQueueOptions.MaxDeliveryCount"/>: at this delivery count an abandon leads to the dead-letter store.</summary>
    public override int? MaxDeliveryCount { get; }

    /// <summary>The token of this delivery.</summary>
    public Guid LockToken { get; }

    public DateTimeOffset EnqueuedAt { get; }

    /// <summary>The error an earlier delivery was abandoned with, or null.</summary>
    public string? LastError { get; }

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(_source.Queue.CompleteAsync(SequenceNumber, LockToken, cancellationToken));

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken) =>
        SettleAsync(_source.Queue.DeadLetterAsync(SequenceNumber, LockToken, details, cancellationToken));

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(_source.Queue.AbandonAsync(SequenceNumber, LockToken, lastError, cancellationToken));

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
            _source.OnSettled(this);
        }
    }
}
