namespace TagWorker.Sources;

/// <summary>
/// One message taken from a source, leased until it is settled. Settlement happens exactly once: the first of
/// complete, dead-letter or abandon wins and later calls throw, so a bug can never settle a message twice.
/// </summary>
/// <remarks>
/// The ordering rules (docs/design-decisions.md, "Ordering") need three facts from the broker besides the body:
/// the message's <see cref="SequenceNumber"/> (to recognise a redelivery of something already applied), its
/// <see cref="SessionId"/> (to refuse a mis-partitioned event) and when its lock ends (<see cref="LockedUntil"/>,
/// <see cref="LockLost"/>): a message whose lock is gone must neither be applied nor settled.
/// </remarks>
public abstract class SourceMessage
{
    private int _settled;

    /// <summary>The broker's id for the message (not the event's <c>eventId</c>).</summary>
    public abstract string MessageId { get; }

    /// <summary>The raw body: UTF-8 JSON of a tag-change event.</summary>
    public abstract ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// Intake calls this once the body was parsed and the event taken into the pipeline: nothing reads
    /// <see cref="Body"/> after that (a dead letter of a local-queue message copies the stored body), so a source
    /// whose message owns its body can let it go while the message is held. Afterwards <see cref="Body"/> may be
    /// empty. The default keeps it (a Service Bus message's body belongs to the SDK's message).
    /// </summary>
    public virtual void ReleaseBody()
    {
    }

    /// <summary>How many times the message has been delivered, this delivery included (1 the first time).</summary>
    public abstract int DeliveryCount { get; }

    /// <summary>
    /// The broker's sequence number: unique, and increasing in queue order (per session, or per partition of a
    /// partitioned entity; a user's messages are always in one of these). The same on every delivery.
    /// </summary>
    public abstract long SequenceNumber { get; }

    /// <summary>The message's session (its users' partition key) on a session-enabled entity; otherwise null.</summary>
    public virtual string? SessionId => null;

    /// <summary>
    /// When the message's lock (or, with sessions, the session lock) ends unless renewed; it moves forward as the
    /// source renews it. <see cref="DateTimeOffset.MaxValue"/> when the source's lease cannot be lost while the
    /// process lives (the local queue's owner).
    /// </summary>
    public virtual DateTimeOffset LockedUntil => DateTimeOffset.MaxValue;

    /// <summary>
    /// Cancelled as soon as the source knows this delivery's lock is lost (session lock lost, renewal refused): the
    /// broker will deliver the message again, to this process or another, so its unsent changes must not be sent
    /// and it must not be settled. Never cancelled by shutdown.
    /// </summary>
    public virtual CancellationToken LockLost => CancellationToken.None;

    /// <summary>
    /// The delivery count at which the broker dead-letters the message instead of delivering it again
    /// (<c>MaxDeliveryCount</c>), or null when unknown. The worker does not abandon a message into it.
    /// </summary>
    public virtual int? MaxDeliveryCount => null;

    /// <summary>
    /// The publisher's trace context (W3C <c>traceparent</c>, the Service Bus <c>Diagnostic-Id</c> application
    /// property), or null; the span of the message's processing links to it.
    /// </summary>
    public virtual string? DiagnosticId => null;

    /// <summary>Whether the message was settled already.</summary>
    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    /// <summary>Removes the message from the source: every change it carried was applied.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        MarkSettled();
        return OnCompleteAsync(cancellationToken);
    }

    /// <summary>Moves the message to the dead-letter store with a reason and a description of what went wrong.</summary>
    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        DeadLetterAsync(new DeadLetterDetails(reason, description, FailedUsers: null), cancellationToken);

    /// <summary>
    /// Moves the message to the dead-letter store with a reason, a description and, when only some of its users
    /// failed, which ones (<see cref="DeadLetterDetails.FailedUsers"/>), so that a replay re-sends only their part.
    /// </summary>
    public Task DeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentException.ThrowIfNullOrEmpty(details.Reason);
        MarkSettled();
        return OnDeadLetterAsync(details, cancellationToken);
    }

    /// <summary>Gives the message back to the source for a later delivery (its delivery count goes up).</summary>
    public Task AbandonAsync(CancellationToken cancellationToken) => AbandonAsync(lastError: null, cancellationToken);

    /// <summary>
    /// Gives the message back to the source for a later delivery, recording <paramref name="lastError"/> (why it
    /// could not be applied this time) where the source can keep it: Service Bus application properties, a column of
    /// the local queue.
    /// </summary>
    public Task AbandonAsync(string? lastError, CancellationToken cancellationToken)
    {
        MarkSettled();
        return OnAbandonAsync(lastError, cancellationToken);
    }

    protected abstract Task OnCompleteAsync(CancellationToken cancellationToken);

    protected abstract Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken);

    protected abstract Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken);

    private void MarkSettled()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"Message {MessageId} was settled already.");
        }
    }
}
