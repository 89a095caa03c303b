using System.Text;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

public class TagChangeEventParserTests
{
    [Fact]
    public void Parse_ValidAdd_ReturnsTheEvent()
    {
        var result = EventJson.Parse(EventJson.ValidAdd);

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        Assert.Equal("valid", result.Describe());
        var e = result.Event;
        Assert.Equal(1, e.Version);
        Assert.Equal("e-1", e.EventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal(TagOperation.Add, e.Op);
        Assert.Equal(["u1", "u2"], e.Users);
        Assert.Equal(["vip", "beta"], e.Tags);
    }

    [Theory]
    [InlineData("remove", TagOperation.Remove)]
    [InlineData("add", TagOperation.Add)]
    public void Parse_OpName_MapsToOperation(string op, TagOperation expected)
    {
        var result = EventJson.Parse(EventJson.AddWith("op", $"\"{op}\""));

        Assert.Equal(expected, result.Event?.Op);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("[]")]
    public void Parse_RemoveAllWithoutTags_IsValidWithEmptyTags(string? tags)
    {
        var result = EventJson.Parse(EventJson.AddWith("tags", tags).Replace("\"op\":\"add\"", "\"op\":\"removeAll\"", StringComparison.Ordinal));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(TagOperation.RemoveAll, result.Event.Op);
        Assert.Empty(result.Event.Tags);
    }

    [Fact]
    public void Parse_DuplicateUsersAndTags_AreFoldedInOrderOfFirstAppearance()
    {
        var body = EventJson.AddWith("users", """["u2","u1","u2","U1","u1"]""")
            .Replace("[\"vip\",\"beta\"]", """["beta","vip","beta","beta"]""", StringComparison.Ordinal);

        var result = EventJson.Parse(body);

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(["u2", "u1", "U1"], result.Event.Users);
        Assert.Equal(["beta", "vip"], result.Event.Tags);
    }

    [Theory]
    [InlineData("""["u2","u1","u2","U1","u1"]""", 3)]
    [InlineData("""["a","b","c","d","e","f","g","h","i","a","j"]""", 10)]
    public void Parse_Accounts_AreAnArrayOfExactlyTheDistinctOnes(string users, int distinct)
    {
        // A held message keeps its accounts and tags for as long as it is in the window: no spare capacity.
        var result = EventJson.Parse(EventJson.AddWith("users", users));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(distinct, Assert.IsType<string[]>(result.Event.Users).Length);
        Assert.Equal(result.Event.Tags.Count, Assert.IsType<string[]>(result.Event.Tags).Length);
    }

    [Fact]
    public void Parse_HundredDistinctTagsWithDuplicates_IsValid()
    {
        var tags = Enumerable.Range(0, 100).Select(i => $"t{i}").Concat(["t0", "t1", "t2"]);

        var result = EventJson.Parse(EventJson.AddWith("tags", EventJson.JsonArray(tags)));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(TagEventLimits.MaxTagsPerEvent, result.Event.Tags.Count);
    }

    [Fact]
    public void Parse_TenThousandDistinctUsers_IsValid()
    {
        var users = Enumerable.Range(0, TagEventLimits.MaxUsersPerEvent).Select(i => $"u{i}");

        var result = EventJson.Parse(EventJson.AddWith("users", EventJson.JsonArray(users)));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(TagEventLimits.MaxUsersPerEvent, result.Event.Users.Count);
    }

    [Fact]
    public void Parse_UnknownFields_AreIgnored()
    {
        var body = EventJson.ValidAdd.Insert(1, """ "source":"crm","meta":{"nested":[1,{"x":null}],"flag":true},"Op":"removeAll","traceIds":[1,2], """);

        var result = EventJson.Parse(body);

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(TagOperation.Add, result.Event.Op);
    }

    [Fact]
    public void Parse_UnknownFieldTwice_IsIgnored()
    {
        var result = EventJson.Parse(EventJson.ValidAdd.Insert(1, """ "x":1,"x":2, """));

        Assert.True(result.IsValid, result.Describe());
    }

    [Fact]
    public void Parse_FieldNameInAnotherCase_IsAnUnknownField()
    {
        var result = EventJson.Parse(EventJson.ValidAdd.Replace("\"op\"", "\"Op\"", StringComparison.Ordinal));

        Assert.Equal(EventValidationCodes.MissingOp, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Parse_BodyWithByteOrderMark_IsValid()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(EventJson.ValidAdd)];

        Assert.True(TagChangeEventParser.Parse(body).IsValid);
    }

    [Theory]
    [InlineData("2026-11-25T18:00:00+08:00", 18, 8)]
    [InlineData("2026-11-25T04:30:00-05:30", 4, -5.5)]
    [InlineData("2026-11-25t10:00:00z", 10, 0)]
    [InlineData("2026-11-25T10:00:00.1234567Z", 10, 0)]
    public void Parse_OccurredAtWithOffset_KeepsTheOffset(string occurredAt, int hour, double offsetHours)
    {
        var result = EventJson.Parse(EventJson.AddWith("occurredAt", $"\"{occurredAt}\""));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(hour, result.Event.OccurredAt.Hour);
        Assert.Equal(TimeSpan.FromHours(offsetHours), result.Event.OccurredAt.Offset);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00+0800")]
    [InlineData("2026-11-25 10:00:00Z")]
    [InlineData("2026-11-25T10:00Z")]
    [InlineData("2026-11-25T10:00:00.12345678Z")]
    [InlineData("2026-02-30T10:00:00Z")]
    public void Parse_OccurredAtNotRfc3339_IsInvalid(string occurredAt)
    {
        var result = EventJson.Parse(EventJson.AddWith("occurredAt", $"\"{occurredAt}\""));

        Assert.Equal(EventValidationCodes.InvalidOccurredAt, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Parse_ChineseTagOf16Characters_Is48BytesAndValid()
    {
        var tag = new string('标', 16);

        var result = EventJson.Parse(EventJson.AddWith("tags", $"[\"{tag}\"]"));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal([tag], result.Event.Tags);
    }

    [Fact]
    public void Parse_ChineseTagOf17Characters_Is51BytesAndInvalid()
    {
        var tag = new string('标', 17);

        var result = EventJson.Parse(EventJson.AddWith("tags", $"[\"{tag}\"]"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(EventValidationCodes.TagTooLong, error.Code);
        Assert.Equal("tags[0]", error.Field);
        Assert.Equal(tag, error.Value);
        Assert.Equal($"tag '{tag}' is 51 UTF-8 bytes, the limit is 50", error.Message);
    }

    [Fact]
    public void Parse_EscapedChineseTagOf17Characters_CountsTheDecodedBytes()
    {
        var escaped = string.Concat(Enumerable.Repeat(@"\u6807", 17));

        var result = EventJson.Parse(EventJson.AddWith("tags", $"[\"{escaped}\"]"));

        Assert.Equal(EventValidationCodes.TagTooLong, Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Parse_ChineseAccount_IsLimitedTo32Bytes(int characters, bool valid)
    {
        var account = new string('用', characters);

        var result = EventJson.Parse(EventJson.AddWith("users", $"[\"{account}\"]"));

        Assert.Equal(valid, result.IsValid);
    }

    [Fact]
    public void Parse_EmojiTag_CountsFourBytesEach()
    {
        var twelve = string.Concat(Enumerable.Repeat("😀", 12));
        var thirteen = twelve + "😀";

        Assert.True(EventJson.Parse(EventJson.AddWith("tags", $"[\"{twelve}\"]")).IsValid);
        Assert.Equal(
            EventValidationCodes.TagTooLong,
            Assert.Single(EventJson.Parse(EventJson.AddWith("tags", $"[\"{thirteen}\"]")).Errors).Code);
    }

    [Fact]
    public void Parse_AccountsAndTags_AreTakenVerbatim()
    {
        var result = EventJson.Parse(EventJson.AddWith("users", """[" u1 ","U1"]"""));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal([" u1 ", "U1"], result.Event.Users);
    }

    [Fact]
    public void Parse_ValuesExactlyAtTheLimits_AreValid()
    {
        var eventId = new string('e', TagEventLimits.MaxEventIdLength);
        var account = new string('a', TagEventLimits.MaxAccountBytes);
        var tag = new string('t', TagEventLimits.MaxTagBytes);
        var body = EventJson.AddWith("users", $"[\"{account}\"]")
            .Replace("[\"vip\",\"beta\"]", $"[\"{tag}\"]", StringComparison.Ordinal)
            .Replace("\"e-1\"", $"\"{eventId}\"", StringComparison.Ordinal);

        var result = EventJson.Parse(body);

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(eventId, result.Event.EventId);
        Assert.Equal([account], result.Event.Users);
        Assert.Equal([tag], result.Event.Tags);
    }
}
