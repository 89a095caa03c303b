namespace TagWorker.Sources;

/// <summary>
/// One message taken from a source, leased until it is settled. Settlement happens exactly once: the first of
/// complete, dead-letter or abandon wins and later calls throw, so a bug can never settle a message twice.
/// </summary>
public abstract class SourceMessage
{
    private int _settled;

    /// <summary>The broker's id for the message (not the event's <c>eventId</c>).</summary>
    public abstract string MessageId { get; }

    /// <summary>The raw body: UTF-8 JSON of a tag-change event.</summary>
    public abstract ReadOnlyMemory<byte> Body { get; }

    /// <summary>How many times the message has been delivered, this delivery included (1 the first time).</summary>
    public abstract int DeliveryCount { get; }

    /// <summary>Whether the message was settled already.</summary>
    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    /// <summary>Removes the message from the source: every change it carried was applied.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        MarkSettled();
        return OnCompleteAsync(cancellationToken);
    }

    /// <summary>Moves the message to the dead-letter store with a reason and a description of what went wrong.</summary>
    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        MarkSettled();
        return OnDeadLetterAsync(reason, description, cancellationToken);
    }

    /// <summary>Gives the message back to the source for a later delivery (its delivery count goes up).</summary>
    public Task AbandonAsync(CancellationToken cancellationToken)
    {
        MarkSettled();
        return OnAbandonAsync(cancellationToken);
    }

    protected abstract Task OnCompleteAsync(CancellationToken cancellationToken);

    protected abstract Task OnDeadLetterAsync(string reason, string description, CancellationToken cancellationToken);

    protected abstract Task OnAbandonAsync(CancellationToken cancellationToken);

    private void MarkSettled()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"Message {MessageId} was settled already.");
        }
    }
}
