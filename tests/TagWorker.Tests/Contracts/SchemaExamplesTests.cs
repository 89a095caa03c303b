using System.Text;
using System.Text.Json;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

/// <summary>The published JSON Schema: its examples are valid events and its limits match the code.</summary>
public class SchemaExamplesTests
{
    private static readonly Lazy<JsonDocument> Schema = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(RepositoryFiles.PathOf("schema/tag-change-event.v1.json"))));

    public static TheoryData<int> ExampleIndexes => [.. Enumerable.Range(0, Examples().Count)];

    [Fact]
    public void Examples_HaveOneOfEachOperation()
    {
        var ops = Examples().Select(e => e.GetProperty("op").GetString());

        Assert.Equal(["add", "remove", "removeAll"], ops);
    }

    [Theory]
    [MemberData(nameof(ExampleIndexes))]
    public void Example_ParsesAndRoundTripsThroughTheSerializer(int index)
    {
        var example = Examples()[index];
        var parsed = TagChangeEventParser.Parse(Encoding.UTF8.GetBytes(example.GetRawText()));
        Assert.True(parsed.IsValid, parsed.Describe());

        var again = TagChangeEventParser.Parse(TagChangeEventSerializer.SerializeToUtf8Bytes(parsed.Event));

        Assert.True(again.IsValid, again.Describe());
        EventAssert.Same(parsed.Event, again.Event);
        Assert.Equal(example.GetProperty("eventId").GetString(), again.Event.EventId);
        Assert.Equal(example.GetProperty("occurredAt").GetDateTimeOffset(), again.Event.OccurredAt);
        Assert.Equal(example.GetProperty("users").EnumerateArray().Select(u => u.GetString()), again.Event.Users);
    }

    [Fact]
    public void Schema_Limits_MatchTagEventLimits()
    {
        var root = Schema.Value.RootElement;
        var properties = root.GetProperty("properties");
        var defs = root.GetProperty("$defs");

        Assert.Equal(TagEventLimits.Version, properties.GetProperty("version").GetProperty("const").GetInt32());
        Assert.Equal(TagEventLimits.MaxEventIdLength, properties.GetProperty("eventId").GetProperty("maxLength").GetInt32());
        Assert.Equal(TagEventLimits.MaxUsersPerEvent, properties.GetProperty("users").GetProperty("maxItems").GetInt32());
        Assert.Equal(TagEventLimits.MaxTagsPerEvent, properties.GetProperty("tags").GetProperty("maxItems").GetInt32());
        Assert.Equal(TagEventLimits.MaxAccountBytes, defs.GetProperty("account").GetProperty("maxLength").GetInt32());
        Assert.Equal(TagEventLimits.MaxTagBytes, defs.GetProperty("tag").GetProperty("maxLength").GetInt32());
        Assert.Equal(
            ["add", "remove", "removeAll"],
            properties.GetProperty("op").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    private static List<JsonElement> Examples() => [.. Schema.Value.RootElement.GetProperty("examples").EnumerateArray()];
}
