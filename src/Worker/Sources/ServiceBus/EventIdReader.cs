using System.Text.Json;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Reads the top-level <c>eventId</c> string of an event body without parsing the rest, so the writer can use it
/// as the MessageId (the key of the broker's duplicate detection).
/// </summary>
internal static class EventIdReader
{
    private static ReadOnlySpan<byte> EventIdProperty => "eventId"u8;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The <c>eventId</c>, or null when the body is not a JSON object with a string <c>eventId</c>.</summary>
    public static string? Read(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith(Utf8Bom))
        {
            json = json[Utf8Bom.Length..];
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isEventId = reader.ValueTextEquals(EventIdProperty);
                if (!reader.Read())
                {
                    return null;
                }

                if (isEventId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
