using System.Globalization;

namespace TagWorker.Publisher;

/// <summary>
/// A message does not fit even in an empty batch, i.e. it is larger than the entity's largest message (256 KB on the
/// Standard tier); the call sent nothing. Split the event into events of fewer users.
/// </summary>
public sealed class TagEventTooLargeException : InvalidOperationException
{
    public TagEventTooLargeException()
        : this("An event does not fit in a Service Bus message.")
    {
    }

    public TagEventTooLargeException(string message)
        : base(message)
    {
    }

    public TagEventTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="index">The event's position in the call.</param>
    /// <param name="messageId">The message's id (the event's, or the part's for a split event).</param>
    /// <param name="bodyBytes">The size of the message body.</param>
    /// <param name="maxSizeInBytes">The largest batch the entity allows.</param>
    public TagEventTooLargeException(int index, string? messageId, int bodyBytes, long maxSizeInBytes)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Event {index}{(messageId is null ? string.Empty : $" (message id '{messageId}')")} has a body of {bodyBytes} bytes and does not fit in a Service Bus message of at most {maxSizeInBytes} bytes; nothing was sent. Split it into events of fewer users."))
    {
        Index = index;
        MessageId = messageId;
        MaxSizeInBytes = maxSizeInBytes;
    }

    /// <summary>The position of the event in the call.</summary>
    public int Index { get; }

    /// <summary>The id of the message that did not fit.</summary>
    public string? MessageId { get; }

    /// <summary>The size limit of a batch on the entity, in bytes.</summary>
    public long MaxSizeInBytes { get; }
}
