using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using TagWorker.Contracts;

namespace TagWorker.Publisher;

/// <summary>
/// One Service Bus message the publisher sends (or, planned with <see cref="TagEventMessages"/>, would send): a valid
/// event — the caller's, or one part of it when it was split by partition — with its body and session.
/// </summary>
public sealed class TagEventMessage
{
    /// <summary>The body's content type.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Application property holding the original <c>eventId</c> on each part of a split event.</summary>
    public const string SplitOfProperty = "splitOf";

    /// <summary>Application property carrying the publisher's trace context (W3C <c>traceparent</c> format), as the SDK names it.</summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    internal TagEventMessage(int index, TagChangeEvent @event, ReadOnlyMemory<byte> body, string? sessionId, string? splitOf)
    {
        Index = index;
        Event = @event;
        Body = body;
        SessionId = sessionId;
        SplitOf = splitOf;
    }

    /// <summary>The position, in the caller's sequence, of the event this message carries (all parts of a split share it).</summary>
    public int Index { get; }

    /// <summary>
    /// The event as the worker will read it (users and tags de-duplicated); for a part of a split event, the part:
    /// its own <c>eventId</c> (<see cref="SplitEventId"/>) and only its partition's users, in their original order.
    /// </summary>
    public TagChangeEvent Event { get; }

    /// <summary>The <c>MessageId</c>: the event's <c>eventId</c>, so duplicate detection drops a re-sent copy.</summary>
    public string MessageId => Event.EventId;

    /// <summary>The <c>SessionId</c> (the partition of every user of <see cref="Event"/>); null when the entity has no sessions.</summary>
    public string? SessionId { get; }

    /// <summary>The original <c>eventId</c> when this message is one part of a split event; otherwise null.</summary>
    public string? SplitOf { get; }

    /// <summary>The UTF-8 JSON body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// The Service Bus message: <see cref="Body"/>, content type <c>application/json</c>, <see cref="MessageId"/>,
    /// <see cref="SessionId"/>, <c>splitOf</c> for a part of a split event, and <c>Diagnostic-Id</c> =
    /// <see cref="Activity.Id"/> of <see cref="Activity.Current"/> when there is one (the SDK keeps a value already set).
    /// </summary>
    public ServiceBusMessage ToServiceBusMessage()
    {
        var message = new ServiceBusMessage(Body)
        {
            ContentType = JsonContentType,
            MessageId = MessageId,
        };
        if (SessionId is not null)
        {
            message.SessionId = SessionId;
        }

        if (SplitOf is not null)
        {
            message.ApplicationProperties[SplitOfProperty] = SplitOf;
        }

        StampTraceContext(message);
        return message;
    }

    internal static void StampTraceContext(ServiceBusMessage message)
    {
        if (Activity.Current?.Id is { } diagnosticId)
        {
            message.ApplicationProperties[DiagnosticIdProperty] = diagnosticId;
        }
    }
}
