namespace TagWorker.Sources.Local;

/// <summary>
/// Thrown when a message is settled with a lock token that no longer holds it: the message was settled already, or
/// an owner reclaimed its lease (a new owner took the queue, or a new intake session reclaimed a lease nothing held).
/// The delivery that threw must not be acted on further.
/// </summary>
public sealed class MessageLockLostException : Exception
{
    public MessageLockLostException()
        : base("The message lock was lost.")
    {
    }

    public MessageLockLostException(string message)
        : base(message)
    {
    }

    public MessageLockLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal MessageLockLostException(long sequenceNumber)
        : base($"The lock on local queue message {sequenceNumber} was lost: the message was settled already, or its "
            + "lease was reclaimed.")
    {
        SequenceNumber = sequenceNumber;
    }

    /// <summary>The sequence number of the message whose lock was lost, when known.</summary>
    public long? SequenceNumber { get; }
}
