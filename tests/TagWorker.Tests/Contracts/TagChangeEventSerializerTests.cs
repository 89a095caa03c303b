using System.Text;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

public class TagChangeEventSerializerTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SerializeToUtf8Bytes_Add_WritesTheContractShape()
    {
        var e = TagChangeEvents.Add("e-1", At, ["u1", "u2"], ["vip", "beta"]);

        var json = Encoding.UTF8.GetString(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        Assert.Equal(EventJson.ValidAdd, json);
    }

    [Fact]
    public void SerializeToUtf8Bytes_RemoveAll_OmitsTags()
    {
        var e = TagChangeEvents.RemoveAll("e-2", At, ["u1"]);

        var json = Encoding.UTF8.GetString(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        Assert.Equal("""{"version":1,"eventId":"e-2","occurredAt":"2026-11-25T10:00:00Z","op":"removeAll","users":["u1"]}""", json);
    }

    [Fact]
    public void SerializeToUtf8Bytes_OffsetAndFraction_WritesRfc3339()
    {
        var at = new DateTimeOffset(2026, 11, 25, 18, 30, 5, 250, TimeSpan.FromHours(8));
        var e = TagChangeEvents.Remove("e-3", at, ["u1"], ["vip"]);

        var json = Encoding.UTF8.GetString(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        Assert.Contains("\"occurredAt\":\"2026-11-25T18:30:05.25+08:00\"", json, StringComparison.Ordinal);
        Assert.Contains("\"op\":\"remove\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SerializeToUtf8Bytes_NonAsciiAndSpecialCharacters_KeepsChineseReadableAndEscapesTheRest()
    {
        var e = TagChangeEvents.Add("e-4", At, ["用户"], ["试用\"版\\"]);

        var json = Encoding.UTF8.GetString(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        Assert.Contains("""["用户"]""", json, StringComparison.Ordinal);
        Assert.Contains("""["试用\"版\\"]""", json, StringComparison.Ordinal);
        Assert.Equal(["试用\"版\\"], EventJson.Parse(json).Event?.Tags);
    }

    [Fact]
    public void SerializeToUtf8Bytes_InvalidEvent_IsWrittenAsIsAndRejectedByTheParser()
    {
        var e = new TagChangeEvent(1, "e-5", At, TagOperation.Add, ["u1"], []);

        var result = TagChangeEventParser.Parse(TagChangeEventSerializer.SerializeToUtf8Bytes(e));

        Assert.Equal(EventValidationCodes.MissingTags, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void SerializeToUtf8Bytes_UndefinedOp_Throws()
    {
        var e = new TagChangeEvent(1, "e-6", At, (TagOperation)42, ["u1"], []);

        Assert.Throws<ArgumentOutOfRangeException>(() => TagChangeEventSerializer.SerializeToUtf8Bytes(e));
    }
}
