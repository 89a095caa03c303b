using System.Globalization;
using System.Text.Json;
using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>Turns a message of the dead-letter sub-queue into a <see cref="DeadLetterRecord"/>.</summary>
internal static class DeadLetterRecordReader
{
    public static DeadLetterRecord Read(ServiceBusReceivedMessage message)
    {
        IReadOnlyDictionary<string, object> properties = message.ApplicationProperties;
        string id = message.SequenceNumber.ToString(CultureInfo.InvariantCulture);
        return new DeadLetterRecord(
            id,
            message.MessageId ?? id,
            message.DeadLetterReason ?? string.Empty,
            message.DeadLetterErrorDescription ?? string.Empty,
            message.DeliveryCount,
            message.EnqueuedTime,
            ReadTime(properties, SettlementProperties.DeadLetteredAtPropertyName) ?? message.EnqueuedTime,
            message.Body.ToMemory(),
            ReadFailedUsers(properties),
            LastError: properties.TryGetValue(FailedUsersJson.LastErrorPropertyName, out object? lastError) ? lastError as string : null,
            SessionId: message.SessionId);
    }

    private static DateTimeOffset? ReadTime(IReadOnlyDictionary<string, object> properties, string name) =>
        properties.TryGetValue(name, out object? value)
            ? value switch
            {
                string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset parsed) => parsed,
                DateTimeOffset time => time,
                DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
                _ => null,
            }
            : null;

    // Written by the source; anything else under that name is not a list a replay could trust, so it reads as absent.
    private static IReadOnlyList<FailedUser>? ReadFailedUsers(IReadOnlyDictionary<string, object> properties)
    {
        if (!properties.TryGetValue(FailedUsersJson.PropertyName, out object? value) || value is not string json)
        {
            return null;
        }

        try
        {
            return FailedUsersJson.Deserialize(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
