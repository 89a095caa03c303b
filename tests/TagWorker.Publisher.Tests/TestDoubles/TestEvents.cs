using System.Text;
using TagWorker.Contracts;

namespace TagWorker.Publisher.Tests.TestDoubles;

internal static class TestEvents
{
    public static readonly DateTimeOffset OccurredAt = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static TagChangeEvent Add(string eventId, params string[] users) => TagChangeEvents.Add(eventId, OccurredAt, users, ["vip"]);

    public static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    public static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    public static TagChangeEvent Parse(ReadOnlyMemory<byte> body)
    {
        TagChangeEventParseResult parsed = TagChangeEventParser.Parse(body.Span);
        Assert.True(parsed.IsValid, parsed.Describe());
        return parsed.Event;
    }
}
