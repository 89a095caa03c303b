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
    // A held message is this one object (the window holds up to 250,000 of them), so it keeps as little as it can:
    // the delivery's fields are copied rather than the LeasedMessage kept, its place in the source is its batch and
    // index (no per-message map node), the message id the enqueue verb gives (a Guid in "N" form) is kept as the
    // Guid's 16 bytes rather than a 32-character string, and the enqueue time as its Unix milliseconds.
    private readonly HandedOutBatch _batch;
    private readonly string? _messageIdText;
    private readonly string? _lastError;
    private ReadOnlyMemory<byte> _body;
    private readonly Guid _messageIdGuid;
    private readonly long _sequenceNumber;
    private readonly long _enqueuedAtMilliseconds;
    private readonly int _deliveryCount;
    private readonly int _index;

    internal LocalQueueMessage(LeasedMessage delivery, HandedOutBatch batch, int index)
    {
        _batch = batch;
        _index = index;
        if (!TryCompact(delivery.MessageId, out _messageIdGuid))
        {
            _messageIdText = delivery.MessageId;
        }

        _body = delivery.Body;
        _sequenceNumber = delivery.SequenceNumber;
        _deliveryCount = delivery.DeliveryCount;
        _enqueuedAtMilliseconds = delivery.EnqueuedAt.ToUnixTimeMilliseconds();
        _lastError = delivery.LastError;
        LockToken = delivery.LockToken;
    }

    /// <summary>The id given at enqueue, the same on every delivery.</summary>
    public override string MessageId => _messageIdText ?? _messageIdGuid.ToString("N");

    public override ReadOnlyMemory<byte> Body => _body;

    /// <summary>Drops the body (~150 bytes an event, held for as long as the message is): the queue keeps it stored, and a dead letter copies it from there.</summary>
    public override void ReleaseBody() => _body = ReadOnlyMemory<byte>.Empty;

    public override int DeliveryCount => _deliveryCount;

    /// <summary>The message's position in the queue (the <c>seq</c> column: increasing in enqueue order, never reused).</summary>
    public override long SequenceNumber => _sequenceNumber;

    /// <summary><see cref="LocalQueueOptions.MaxDeliveryCount"/>: at this delivery count an abandon leads to the dead-letter store.</summary>
    public override int? MaxDeliveryCount => _batch.Source.MaxDeliveryCount;

    /// <summary>The token of this delivery.</summary>
    public Guid LockToken { get; }

    public DateTimeOffset EnqueuedAt => DateTimeOffset.FromUnixTimeMilliseconds(_enqueuedAtMilliseconds);

    /// <summary>The error an earlier delivery was abandoned with, or null.</summary>
    public string? LastError => _lastError;

    /// <summary>The handed-out batch this message is in, and its index there.</summary>
    internal HandedOutBatch Batch => _batch;

    internal int Index => _index;

    /// <summary>
    /// Its settlement was written or failed (or never got queued): the message is no longer the source's to hold,
    /// even if the store refused. A lease left behind by a failed write is reclaimed when the next intake session
    /// starts. Called once, before the settlement's task completes.
    /// </summary>
    internal void OnSettlementEnded() => _batch.Source.OnSettled(this);

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        _batch.Source.Queue.SettleAsync(PendingSettlement.Complete(SequenceNumber, LockToken).For(this), cancellationToken);

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken) =>
        _batch.Source.Queue.SettleAsync(PendingSettlement.DeadLetter(SequenceNumber, LockToken, details).For(this), cancellationToken);

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken) =>
        _batch.Source.Queue.SettleAsync(PendingSettlement.Abandon(SequenceNumber, LockToken, lastError).For(this), cancellationToken);

    // Only an id that formats back to exactly the same text (32 lower-case hex digits) is kept as a Guid, so
    // MessageId never changes.
    private static bool TryCompact(string messageId, out Guid guid)
    {
        guid = default;
        if (messageId.Length != 32)
        {
            return false;
        }

        foreach (var c in messageId)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return Guid.TryParseExact(messageId, "N", out guid);
    }
}
