using System.Text.Json;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// Reads the top-level <c>eventId</c> and the first account of <c>users</c> from a body that may not be a valid
/// event (to name it in an error, or to send it unvalidated), stopping quietly at the first malformed byte.
/// </summary>
internal static class LenientEventFields
{
    public static (string? EventId, string? FirstUser) Read(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> json = body.StartsWith("\uFEFF"u8) ? body[3..] : body;
        string? eventId = null;
        string? firstUser = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isEventId = reader.ValueTextEquals("eventId"u8);
                bool isUsers = reader.ValueTextEquals("users"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isEventId && reader.TokenType == JsonTokenType.String)
                {
                    eventId ??= reader.GetString();
                }
                else if (isUsers && reader.TokenType == JsonTokenType.StartArray)
                {
                    firstUser ??= FirstString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // What was read before the fault is still worth having.
        }
        catch (InvalidOperationException)
        {
            // GetString on invalid UTF-8.
        }

        return (eventId, firstUser);
    }

    /// <summary>True when <paramref name="value"/> can be shown in a message as it is: 1 to 128 characters, nothing unprintable.</summary>
    public static bool IsShowable(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > Contracts.TagEventLimits.MaxEventIdLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? FirstString(ref Utf8JsonReader reader)
    {
        string? first = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first is null && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
            {
                first = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return first;
    }
}
