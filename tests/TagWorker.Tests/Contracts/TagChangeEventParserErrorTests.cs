using System.Reflection;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

/// <summary>One example per validation error kind, each asserting the code, the field and the offending value.</summary>
public class TagChangeEventParserErrorTests
{
    private static readonly string Ellipsis = "…";

    public static TheoryData<string, string, string, string, string?> Examples => new()
    {
        // name, body, code, field, value
        { "truncated body", """{"version":1,""", EventValidationCodes.MalformedJson, "$", null },
        { "empty body", "", EventValidationCodes.MalformedJson, "$", null },
        { "trailing garbage", EventJson.ValidAdd + " x", EventValidationCodes.MalformedJson, "$", null },
        { "unpaired surrogate escape", EventJson.AddWith("tags", """["\ud800"]"""), EventValidationCodes.MalformedJson, "$", null },
        { "body is an array", "[]", EventValidationCodes.InvalidFieldType, "$", null },
        { "body is null", "null", EventValidationCodes.InvalidFieldType, "$", null },
        { "version is a string", EventJson.AddWith("version", "\"1\""), EventValidationCodes.InvalidFieldType, "version", null },
        { "op is a number", EventJson.AddWith("op", "1"), EventValidationCodes.InvalidFieldType, "op", null },
        { "users is a string", EventJson.AddWith("users", "\"u1\""), EventValidationCodes.InvalidFieldType, "users", null },
        { "user is a number", EventJson.AddWith("users", """["u1",7]"""), EventValidationCodes.InvalidFieldType, "users[1]", null },
        { "user is null", EventJson.AddWith("users", """["u1",null]"""), EventValidationCodes.InvalidFieldType, "users[1]", null },
        { "tag is an object", EventJson.AddWith("tags", """[{"name":"vip"}]"""), EventValidationCodes.InvalidFieldType, "tags[0]", null },
        { "op twice", EventJson.ValidAdd.Replace("\"op\":\"add\"", "\"op\":\"add\",\"op\":\"remove\"", StringComparison.Ordinal), EventValidationCodes.DuplicateProperty, "op", null },
        { "no version", EventJson.AddWith("version", null), EventValidationCodes.MissingVersion, "version", null },
        { "version null", EventJson.AddWith("version", "null"), EventValidationCodes.MissingVersion, "version", null },
        { "version 2", EventJson.AddWith("version", "2"), EventValidationCodes.UnsupportedVersion, "version", "2" },
        { "version 1.5", EventJson.AddWith("version", "1.5"), EventValidationCodes.UnsupportedVersion, "version", "1.5" },
        { "version 0", EventJson.AddWith("version", "0"), EventValidationCodes.UnsupportedVersion, "version", "0" },
        { "no eventId", EventJson.AddWith("eventId", null), EventValidationCodes.MissingEventId, "eventId", null },
        { "empty eventId", EventJson.AddWith("eventId", "\"\""), EventValidationCodes.MissingEventId, "eventId", null },
        { "eventId of 129 characters", EventJson.AddWith("eventId", $"\"{new string('e', 129)}\""), EventValidationCodes.EventIdTooLong, "eventId", new string('e', 64) + Ellipsis },
        { "no occurredAt", EventJson.AddWith("occurredAt", null), EventValidationCodes.MissingOccurredAt, "occurredAt", null },
        { "occurredAt without offset", EventJson.AddWith("occurredAt", "\"2026-11-25T10:00:00\""), EventValidationCodes.InvalidOccurredAt, "occurredAt", "2026-11-25T10:00:00" },
        { "occurredAt not a date", EventJson.AddWith("occurredAt", "\"yesterday\""), EventValidationCodes.InvalidOccurredAt, "occurredAt", "yesterday" },
        { "no op", EventJson.AddWith("op", null), EventValidationCodes.MissingOp, "op", null },
        { "op in another case", EventJson.AddWith("op", "\"Add\""), EventValidationCodes.UnknownOp, "op", "Add" },
        { "op unknown", EventJson.AddWith("op", "\"replace\""), EventValidationCodes.UnknownOp, "op", "replace" },
        { "no users", EventJson.AddWith("users", null), EventValidationCodes.MissingUsers, "users", null },
        { "users empty", EventJson.AddWith("users", "[]"), EventValidationCodes.MissingUsers, "users", null },
        { "10,001 users", EventJson.AddWith("users", EventJson.JsonArray(Enumerable.Range(0, 10_001).Select(i => $"u{i}"))), EventValidationCodes.TooManyUsers, "users", "10001" },
        { "empty account", EventJson.AddWith("users", """["u1",""]"""), EventValidationCodes.EmptyAccount, "users[1]", "" },
        { "account of 33 bytes", EventJson.AddWith("users", $"[\"u1\",\"u2\",\"u3\",\"{new string('a', 33)}\"]"), EventValidationCodes.AccountTooLong, "users[3]", new string('a', 33) },
        { "add without tags", EventJson.AddWith("tags", null), EventValidationCodes.MissingTags, "tags", null },
        { "remove with empty tags", EventJson.AddWith("op", "\"remove\"").Replace("[\"vip\",\"beta\"]", "[]", StringComparison.Ordinal), EventValidationCodes.MissingTags, "tags", null },
        { "removeAll with tags", EventJson.AddWith("op", "\"removeAll\""), EventValidationCodes.TagsNotAllowed, "tags", "vip,beta" },
        { "101 tags", EventJson.AddWith("tags", EventJson.JsonArray(Enumerable.Range(0, 101).Select(i => $"t{i}"))), EventValidationCodes.TooManyTags, "tags", "101" },
        { "empty tag", EventJson.AddWith("tags", """["vip",""]"""), EventValidationCodes.EmptyTag, "tags[1]", "" },
        { "tag of 51 bytes", EventJson.AddWith("tags", $"[\"vip\",\"beta\",\"{new string('x', 51)}\"]"), EventValidationCodes.TagTooLong, "tags[2]", new string('x', 51) },
        { "newline in a tag", EventJson.AddWith("tags", """["a\nb"]"""), EventValidationCodes.InvalidCharacter, "tags[0]", @"a\u000Ab" },
        { "tab in an account", EventJson.AddWith("users", """["u\t1"]"""), EventValidationCodes.InvalidCharacter, "users[0]", @"u\u00091" },
        { "DEL in eventId", EventJson.AddWith("eventId", "\"e\\u007f\""), EventValidationCodes.InvalidCharacter, "eventId", @"e\u007F" },
        { "replayOf of 129 characters", EventJson.ValidAdd.Replace("}", $",\"replayOf\":\"{new string('r', 129)}\"}}", StringComparison.Ordinal), EventValidationCodes.ReplayOfTooLong, "replayOf", new string('r', 64) + Ellipsis },
        { "replayOf is a number", EventJson.ValidAdd.Replace("}", ",\"replayOf\":7}", StringComparison.Ordinal), EventValidationCodes.InvalidFieldType, "replayOf", null },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Parse_InvalidBody_ReportsCodeFieldAndValue(string name, string body, string code, string field, string? value)
    {
        var result = EventJson.Parse(body);

        Assert.False(result.IsValid, name);
        Assert.Null(result.Event);
        var error = Assert.Single(result.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Equal(value, error.Value);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Parse_ManyBadAccounts_ListsFiftyErrorsAndCountsTheRest()
    {
        var users = Enumerable.Range(0, 60).Select(i => new string('a', 33 + i));

        var result = EventJson.Parse(EventJson.AddWith("users", EventJson.JsonArray(users)));

        Assert.Equal(TagEventLimits.MaxReportedErrors + 1, result.Errors.Count);
        Assert.All(result.Errors.Take(TagEventLimits.MaxReportedErrors), e => Assert.Equal(EventValidationCodes.AccountTooLong, e.Code));
        var last = result.Errors[^1];
        Assert.Equal(EventValidationCodes.ErrorsTruncated, last.Code);
        Assert.Equal("$", last.Field);
        Assert.Null(last.Value);
        Assert.StartsWith("10 more errors", last.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Examples_CoverEveryErrorCode()
    {
        var codes = typeof(EventValidationCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        var covered = Examples.Select(row => row.Data.Item3).Append(EventValidationCodes.ErrorsTruncated).ToHashSet();

        Assert.Empty(codes.Except(covered));
    }

    [Fact]
    public void Parse_SyntaxError_NamesLineAndByte()
    {
        var result = EventJson.Parse("{\"version\":1,\n \"op\":add}");

        var error = Assert.Single(result.Errors);
        Assert.Equal(EventValidationCodes.MalformedJson, error.Code);
        Assert.StartsWith("malformed JSON at line 2, byte 7: 'a' is an invalid start of a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8_ReportsMalformedJsonWithPosition()
    {
        byte[] body = [.. "{\"version\":1,\"op\":\""u8, 0xFF, .. "\"}"u8];

        var result = TagChangeEventParser.Parse(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal(EventValidationCodes.MalformedJson, error.Code);
        Assert.StartsWith("malformed JSON at line 1, byte 19:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralFieldsOfWrongType_ReportsEach()
    {
        var result = EventJson.Parse("""{"version":1,"eventId":5,"occurredAt":true,"op":"add","users":["u1",[],3],"tags":{}}""");

        Assert.Equal(
            ["eventId", "occurredAt", "users[1]", "users[2]", "tags"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.Equal(EventValidationCodes.InvalidFieldType, e.Code));
    }

    [Fact]
    public void Parse_UnknownVersion_ReportsOnlyTheVersion()
    {
        var result = EventJson.Parse("""{"version":2,"op":"replace","users":[{"id":"u1"}]}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal(EventValidationCodes.UnsupportedVersion, error.Code);
        Assert.Equal("2", error.Value);
    }

    [Fact]
    public void Parse_EveryFieldWrong_CollectsAllErrorsInFieldOrder()
    {
        var body = $$"""{"version":1,"eventId":"","occurredAt":"soon","op":"Add","users":["","{{new string('u', 40)}}"],"tags":["","x\u0001"]}""";

        var result = EventJson.Parse(body);

        Assert.Equal(
            [
                (EventValidationCodes.MissingEventId, "eventId"),
                (EventValidationCodes.InvalidOccurredAt, "occurredAt"),
                (EventValidationCodes.UnknownOp, "op"),
                (EventValidationCodes.EmptyAccount, "users[0]"),
                (EventValidationCodes.AccountTooLong, "users[1]"),
                (EventValidationCodes.EmptyTag, "tags[0]"),
                (EventValidationCodes.InvalidCharacter, "tags[1]"),
            ],
            result.Errors.Select(e => (e.Code, e.Field)));
    }

    [Fact]
    public void Describe_InvalidEvent_ListsEveryErrorOnOneLine()
    {
        var tag = new string('x', 57);
        var body = EventJson.AddWith("tags", $"[\"vip\",\"beta\",\"{tag}\"]").Replace("[\"u1\",\"u2\"]", "[]", StringComparison.Ordinal);

        var description = EventJson.Parse(body).Describe();

        Assert.Equal($"users: no users; tags[2]: tag '{tag}' is 57 UTF-8 bytes, the limit is 50", description);
    }

    [Fact]
    public void Parse_LongOffendingValue_IsCutWithEllipsis()
    {
        var result = EventJson.Parse(EventJson.AddWith("tags", $"[\"{new string('x', 200)}\"]"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(new string('x', 64) + Ellipsis, error.Value);
        Assert.Contains($"'{error.Value}' is 200 UTF-8 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongValueOfEmoji_IsNotCutInsideASurrogatePair()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 40));

        var result = EventJson.Parse(EventJson.AddWith("tags", $"[\"{emoji}\"]"));

        var value = Assert.Single(result.Errors).Value!;
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 32)) + Ellipsis, value);
    }

    [Fact]
    public void Parse_RepeatedBadValue_ReportsItOnceAtItsFirstIndex()
    {
        var result = EventJson.Parse(EventJson.AddWith("tags", """["vip","","beta",""]"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("tags[1]", error.Field);
    }
}
