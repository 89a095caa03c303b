using System.Text;
using System.Text.Json;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

/// <summary>The optional <c>replayOf</c> field that <c>deadletters replay</c> sets on the events it re-publishes.</summary>
public class ReplayOfTests
{
    private const string Replay =
        """{"version":1,"eventId":"e-2","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1"],"tags":["vip"],"replayOf":"e-1"}""";

    [Fact]
    public void Parse_ReplayOf_IsRead()
    {
        var result = EventJson.Parse(Replay);

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal("e-1", result.Event.ReplayOf);
        Assert.Equal("e-2", result.Event.EventId);
    }

    [Theory]
    [InlineData(EventJson.ValidAdd)]
    [InlineData("""{"version":1,"eventId":"e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1"],"tags":["vip"],"replayOf":null}""")]
    [InlineData("""{"version":1,"eventId":"e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1"],"tags":["vip"],"replayOf":""}""")]
    public void Parse_AbsentNullOrEmptyReplayOf_IsNotAReplay(string body)
    {
        var result = EventJson.Parse(body);

        Assert.True(result.IsValid, result.Describe());
        Assert.Null(result.Event.ReplayOf);
    }

    [Theory]
    [InlineData("42", EventValidationCodes.InvalidFieldType)]
    [InlineData("\"a\\u000Ab\"", EventValidationCodes.InvalidCharacter)]
    public void Parse_BadReplayOf_IsInvalidNamingTheField(string value, string code)
    {
        var result = EventJson.Parse(Replay.Replace("\"e-1\"", value, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal((code, "replayOf"), (error.Code, error.Field));
    }

    [Fact]
    public void Parse_ReplayOfOverTheEventIdLimit_IsReplayOfTooLong()
    {
        var result = EventJson.Parse(Replay.Replace("\"e-1\"", $"\"{new string('x', TagEventLimits.MaxEventIdLength + 1)}\"", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal((EventValidationCodes.ReplayOfTooLong, "replayOf"), (error.Code, error.Field));
        Assert.True(EventJson.Parse(Replay.Replace("\"e-1\"", $"\"{new string('x', TagEventLimits.MaxEventIdLength)}\"", StringComparison.Ordinal)).IsValid);
    }

    [Fact]
    public void Parse_ReplayOfTwice_IsDuplicateProperty()
    {
        var result = EventJson.Parse(Replay.Replace("}", ",\"replayOf\":\"e-0\"}", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal((EventValidationCodes.DuplicateProperty, "replayOf"), (error.Code, error.Field));
    }

    [Fact]
    public void Serialize_ReplayOf_IsWrittenLastAndRoundTrips()
    {
        var original = TagChangeEvents.Add("e-2", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), ["u1"], ["vip"]) with { ReplayOf = "e-1" };

        var body = TagChangeEventSerializer.SerializeToUtf8Bytes(original);

        Assert.Equal(Replay, Encoding.UTF8.GetString(body));
        var again = TagChangeEventParser.Parse(body);
        Assert.True(again.IsValid, again.Describe());
        Assert.Equal("e-1", again.Event.ReplayOf);
    }

    [Fact]
    public void Serialize_NoReplayOf_LeavesTheFieldOut()
    {
        var body = Encoding.UTF8.GetString(TagChangeEventSerializer.SerializeToUtf8Bytes(EventJson.Parse(EventJson.ValidAdd).Event!));

        Assert.DoesNotContain("replayOf", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_ReplayOf_IsOptionalWithTheEventIdLimit()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(RepositoryFiles.PathOf("schema/tag-change-event.v1.json")));
        var root = schema.RootElement;

        var replayOf = root.GetProperty("properties").GetProperty("replayOf");
        Assert.Equal(TagEventLimits.MaxEventIdLength, replayOf.GetProperty("maxLength").GetInt32());
        Assert.DoesNotContain("replayOf", root.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }
}
