using TagWorker.Contracts;
using TagWorker.Publisher;

namespace TagWorker.Samples.Publisher;

/// <summary>Prints the messages of one event: session, message id and users, one message a line.</summary>
internal static class MessageTable
{
    public static void Write(TextWriter output, TagChangeEvent source, TagEventPublisherOptions settings, IReadOnlyList<TagEventMessage> messages)
    {
        string entity = string.IsNullOrWhiteSpace(settings.TopicName) ? $"queue {settings.QueueName}" : $"topic {settings.TopicName}";
        string sessions = settings.SessionsEnabled ? $"sessions over {settings.PartitionCount} partitions" : "no sessions";
        output.WriteLine($"event {source.EventId}: {source.Op} [{string.Join(", ", source.Tags)}] for {source.Users.Count} users -> {messages.Count} messages to {entity} ({sessions})");
        output.WriteLine($"{"session",-8} {"message id",-36}  users");
        foreach (TagEventMessage message in messages.OrderBy(m => m.SessionId is null ? -1 : int.Parse(m.SessionId, System.Globalization.CultureInfo.InvariantCulture)))
        {
            output.WriteLine($"{message.SessionId ?? "-",-8} {message.MessageId,-36}  {string.Join(", ", message.Event.Users)}");
        }
    }
}
