namespace TagWorker.Sources.Local;

/// <summary>
/// A message handed out by <see cref="LocalQueueSource"/>. Settling it settles its delivery in the
/// <see cref="LocalQueue"/> (throwing <see cref="MessageLockLostException"/> if the lock was lost) and frees its
/// place under <see cref="LocalQueueOptions.MaxConcurrentMessages"/> either way.
/// </summary>
public sealed class LocalQueueMessage : SourceMessage
{
    private readonly LeasedMessage _delivery;
    private readonly LocalQueue _queue;
    private readonly Action<LocalQueueMessage> _onSettled;
    private long _lockedUntilTicks;

    internal LocalQueueMessage(LeasedMessage delivery, LocalQueue queue, DateTimeOffset receivedAt, Action<LocalQueueMessage> onSettled)
    {
        _delivery = delivery;
        _queue = queue;
        _onSettled = onSettled;
        _lockedUntilTicks = delivery.LockedUntil.UtcTicks;
        ReceivedAt = receivedAt;
    }

    /// <summary>The id given at enqueue, the same on every delivery.</summary>
    public override string MessageId => _delivery.MessageId;

    public override ReadOnlyMemory<byte> Body => _delivery.Body;

    public override int DeliveryCount => _delivery.DeliveryCount;

    /// <summary>The message's position in the queue (increasing in enqueue order).</summary>
    public override long SequenceNumber => _delivery.SequenceNumber;

    /// <summary>The token of this delivery.</summary>
    public Guid LockToken => _delivery.LockToken;

    public DateTimeOffset EnqueuedAt => _delivery.EnqueuedAt;

    /// <summary>When the lock expires unless renewed again; moves forward as the source renews it.</summary>
    public override DateTimeOffset LockedUntil => new(Interlocked.Read(ref _lockedUntilTicks), TimeSpan.Zero);

    internal void SetLockedUntil(DateTimeOffset value) => Interlocked.Exchange(ref _lockedUntilTicks, value.UtcTicks);

    /// <summary>When the source received it; lock renewal stops <see cref="LocalQueueOptions.MaxAutoLockRenewal"/> later.</summary>
    internal DateTimeOffset ReceivedAt { get; }

    internal LockReference Lock => new(SequenceNumber, LockToken);

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(_queue.CompleteAsync(SequenceNumber, LockToken, cancellationToken));

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken) =>
        SettleAsync(_queue.DeadLetterAsync(SequenceNumber, LockToken, details.Reason, details.Description, cancellationToken));

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(_queue.AbandonAsync(SequenceNumber, LockToken, cancellationToken));

    private async Task SettleAsync(Task settlement)
    {
        try
        {
            await settlement.ConfigureAwait(false);
        }
        finally
        {
            // Settled in the caller's eyes even if the store refused: the message is no longer ours to hold.
            _onSettled(this);
        }
    }
}
