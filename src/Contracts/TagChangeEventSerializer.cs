using System.Text.Json;
using TagWorker.Contracts.Internal;

namespace TagWorker.Contracts;

/// <summary>
/// Writes a <see cref="TagChangeEvent"/> as the v1 queue message body: UTF-8 JSON without a byte-order mark, fields
/// in contract order, <c>occurredAt</c> in RFC 3339 (<c>Z</c> for offset zero), <c>tags</c> and <c>replayOf</c> omitted when empty,
/// non-ASCII characters written as themselves rather than escaped.
/// </summary>
public static class TagChangeEventSerializer
{
    /// <summary>
    /// Serializes <paramref name="e"/> as it is, without validating it (so tests can also produce invalid bodies);
    /// build events with <see cref="TagChangeEvents"/> to have them validated first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TagChangeEvent.Op"/> is not a defined operation.</exception>
    public static byte[] SerializeToUtf8Bytes(TagChangeEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var wire = new TagChangeEventJson
        {
            Version = e.Version,
            EventId = e.EventId,
            OccurredAt = WireTimestamp.Format(e.OccurredAt),
            Op = WireOperation.NameOf(e.Op),
            Users = e.Users,
            Tags = e.Tags is { Count: > 0 } ? e.Tags : null,
            ReplayOf = string.IsNullOrEmpty(e.ReplayOf) ? null : e.ReplayOf,
        };
        return JsonSerializer.SerializeToUtf8Bytes(wire, TagChangeEventJsonContext.Writer.TagChangeEventJson);
    }
}
