using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// Writes the body of one part of a split event: the original JSON object with <c>eventId</c> and <c>users</c>
/// replaced and every other member copied as it was, unknown fields included (e.g. a replay's <c>replayOf</c>), so a
/// split loses nothing the publisher sent.
/// </summary>
internal static class SplitBodyWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // As TagChangeEventSerializer does: accounts and tags are often Chinese, and \uXXXX would triple their size.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="body">A body the contract's parser accepted (a byte-order mark is dropped).</param>
    /// <param name="eventId">The part's id.</param>
    /// <param name="users">The part's users.</param>
    public static byte[] Write(ReadOnlyMemory<byte> body, string eventId, IReadOnlyList<string> users)
    {
        ReadOnlyMemory<byte> json = body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body;
        using JsonDocument document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                // The parser refuses a repeated contract field, so each of these two appears once.
                if (property.NameEquals("eventId"u8))
                {
                    writer.WriteString(property.Name, eventId);
                }
                else if (property.NameEquals("users"u8))
                {
                    writer.WriteStartArray(property.Name);
                    foreach (string user in users)
                    {
                        writer.WriteStringValue(user);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
