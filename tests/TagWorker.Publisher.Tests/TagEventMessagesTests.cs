using System.Text.Json;
using TagWorker.Contracts;
using TagWorker.Publisher.Tests.TestDoubles;

namespace TagWorker.Publisher.Tests;

// Partitions at N = 16 (docs/events.md): u1 3, u2 6, u3 9, u11 6, u12 3.
public sealed class TagEventMessagesTests
{
    private const string EventId = "0b9e6c1e-4f1a-4d7e-9a53-2f0c8d1b7a10";

    [Fact]
    public void Plan_NoSessions_OneMessagePerEventWithTheSerializedBodyAndNoSession()
    {
        TagChangeEvent e = TestEvents.Add(EventId, "u1", "u2", "u3");

        TagEventMessage message = Assert.Single(TagEventMessages.Plan([e], partitionCount: null));

        Assert.Equal(EventId, message.MessageId);
        Assert.Null(message.SessionId);
        Assert.Null(message.SplitOf);
        Assert.Equal(TagChangeEventSerializer.SerializeToUtf8Bytes(e), message.Body.ToArray());
        Assert.Equal(["u1", "u2", "u3"], message.Event.Users);
    }

    [Fact]
    public void Plan_SessionsAndAllUsersInOnePartition_NotSplitAndKeepsTheEventId()
    {
        TagEventMessage message = Assert.Single(TagEventMessages.Plan([TestEvents.Add(EventId, "u1", "u12")], partitionCount: 16));

        Assert.Equal(EventId, message.MessageId);
        Assert.Equal("3", message.SessionId);
        Assert.Null(message.SplitOf);
    }

    [Fact]
    public void Plan_SessionsAndSegmentEvent_OnePartPerPartitionInOrderOfFirstUser()
    {
        IReadOnlyList<TagEventMessage> parts = TagEventMessages.Plan([TestEvents.Add(EventId, "u1", "u2", "u12", "u3", "u11")], partitionCount: 16);

        Assert.Equal(
            [
                ("3", "2d904ff6-fa2f-5759-8586-d72839ef604b", "u1,u12"),
                ("6", "b1d17679-f3a4-5e7e-96e9-7eabdc375c32", "u2,u11"),
                ("9", SplitEventId.For(EventId, 9, 16), "u3"),
            ],
            parts.Select(p => (p.SessionId, p.MessageId, string.Join(',', p.Event.Users))));
        Assert.All(parts, part =>
        {
            Assert.Equal(0, part.Index);
            Assert.Equal(EventId, part.SplitOf);
            TagChangeEvent body = TestEvents.Parse(part.Body);
            Assert.Equal(part.MessageId, body.EventId);
            Assert.Equal(part.Event.Users, body.Users);
            Assert.Equal(["vip"], body.Tags);
            Assert.Equal(TestEvents.OccurredAt, body.OccurredAt);
        });
    }

    [Fact]
    public void Plan_DuplicateUsers_FoldedBeforeTheSplit()
    {
        var e = new TagChangeEvent(1, EventId, TestEvents.OccurredAt, TagOperation.RemoveAll, ["u1", "u2", "u1", "u12", "u2"], []);

        IReadOnlyList<TagEventMessage> parts = TagEventMessages.Plan([e], partitionCount: 16);

        Assert.Equal(["u1,u12", "u2"], parts.Select(p => string.Join(',', p.Event.Users)));
    }

    [Fact]
    public void PlanBodies_Split_KeepsEveryOtherFieldOfTheOriginal()
    {
        ReadOnlyMemory<byte> body = TestEvents.Body(
            """{"version":1,"eventId":"r-1","replayOf":"orig-7","occurredAt":"2026-11-25T18:00:00.250+08:00","op":"remove","users":["u1","u2"],"tags":["试用用户"],"meta":{"a":[1,null]}}""");

        IReadOnlyList<TagEventMessage> parts = TagEventMessages.PlanBodies([body], partitionCount: 16);

        Assert.Equal(2, parts.Count);
        using JsonDocument first = JsonDocument.Parse(parts[0].Body);
        JsonElement root = first.RootElement;
        Assert.Equal(
            ["version", "eventId", "replayOf", "occurredAt", "op", "users", "tags", "meta"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(SplitEventId.For("r-1", 3, 16), root.GetProperty("eventId").GetString());
        Assert.Equal("orig-7", root.GetProperty("replayOf").GetString());
        Assert.Equal("2026-11-25T18:00:00.250+08:00", root.GetProperty("occurredAt").GetString());
        Assert.Equal("""{"a":[1,null]}""", root.GetProperty("meta").GetRawText());
        Assert.Contains("\"试用用户\"", TestEvents.Text(parts[0].Body), StringComparison.Ordinal);
        Assert.Equal(["u1"], TestEvents.Parse(parts[0].Body).Users);
        Assert.Equal(["u2"], TestEvents.Parse(parts[1].Body).Users);
    }

    [Fact]
    public void PlanBodies_NoSplitNeeded_SendsTheBodyByteForByte()
    {
        ReadOnlyMemory<byte> body = TestEvents.Body("\uFEFF" + """{ "version": 1, "eventId": "b-1", "occurredAt": "2026-11-25T10:00:00Z", "op": "removeAll", "users": ["u1", "u1"], "x": 1 }""");

        TagEventMessage message = Assert.Single(TagEventMessages.PlanBodies([body], partitionCount: 16));

        Assert.True(body.Span.SequenceEqual(message.Body.Span));
        Assert.Equal("b-1", message.MessageId);
        Assert.Equal("3", message.SessionId);
    }

    [Fact]
    public void Plan_InvalidEvent_ThrowsNamingItsPositionIdAndField()
    {
        var bad = new TagChangeEvent(1, "e2", TestEvents.OccurredAt, TagOperation.Add, ["u1", ""], [new string('t', 51)]);

        var exception = Assert.Throws<InvalidTagEventException>(() => TagEventMessages.Plan([TestEvents.Add("e1", "u1"), bad], partitionCount: 16));

        Assert.Equal(1, exception.Index);
        Assert.Equal("e2", exception.EventId);
        Assert.Equal([("users[1]", EventValidationCodes.EmptyAccount), ("tags[0]", EventValidationCodes.TagTooLong)], exception.Errors.Select(e => (e.Field, e.Code)));
        Assert.StartsWith("Event 1 (eventId 'e2') breaks the contract, nothing was sent: users[1]: empty account; tags[0]: tag '", exception.Message, StringComparison.Ordinal);
        Assert.Equal("events", exception.ParamName);
    }

    [Fact]
    public void Plan_InvalidEventId_NotQuotedAsTheEventsName()
    {
        var bad = new TagChangeEvent(1, "bad\nid", TestEvents.OccurredAt, TagOperation.RemoveAll, ["u1"], []);

        var exception = Assert.Throws<InvalidTagEventException>(() => TagEventMessages.Plan([bad], partitionCount: null));

        Assert.Null(exception.EventId);
        Assert.Equal(EventValidationCodes.InvalidCharacter, Assert.Single(exception.Errors).Code);
        Assert.StartsWith("Event 0 breaks the contract", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnpairedSurrogate_RefusedAsTheParserWouldRefuseIt()
    {
        var bad = new TagChangeEvent(1, "e1", TestEvents.OccurredAt, TagOperation.Add, ["u1"], ["ok", "x\uD800"]);

        var exception = Assert.Throws<InvalidTagEventException>(() => TagEventMessages.Plan([bad], partitionCount: null));

        EventValidationError error = Assert.Single(exception.Errors);
        Assert.Equal((EventValidationCodes.InvalidCharacter, "tags[1]", @"x\uD800"), (error.Code, error.Field, error.Value));
    }

    [Theory]
    [InlineData(2, TagOperation.Add, EventValidationCodes.UnsupportedVersion)]
    [InlineData(1, (TagOperation)7, EventValidationCodes.UnknownOp)]
    [InlineData(1, TagOperation.Add, EventValidationCodes.MissingTags)]
    public void Plan_EventBreakingOtherRules_Refused(int version, TagOperation op, string code)
    {
        var bad = new TagChangeEvent(version, "e1", TestEvents.OccurredAt, op, ["u1"], []);

        var exception = Assert.Throws<InvalidTagEventException>(() => TagEventMessages.Plan([bad], partitionCount: null));

        Assert.Equal(code, exception.Errors[0].Code);
    }

    [Fact]
    public void PlanBodies_MalformedBody_NamesItsPositionAndTheReadableEventId()
    {
        var exception = Assert.Throws<InvalidTagEventException>(() => TagEventMessages.PlanBodies(
            [TestEvents.Body("""{"version":1,"eventId":"ok","occurredAt":"2026-11-25T10:00:00Z","op":"removeAll","users":["u1"]}"""), TestEvents.Body("""{"eventId":"b-2","users":[""")],
            partitionCount: null));

        Assert.Equal(1, exception.Index);
        Assert.Equal("b-2", exception.EventId);
        Assert.Equal(EventValidationCodes.MalformedJson, Assert.Single(exception.Errors).Code);
        Assert.Equal("bodies", exception.ParamName);
    }

    [Fact]
    public void Plan_NullEvent_ThrowsNamingItsPosition()
    {
        var exception = Assert.Throws<ArgumentException>(() => TagEventMessages.Plan([TestEvents.Add("e1", "u1"), null!], partitionCount: null));

        Assert.Contains("Event 1 is null", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PartitionCountBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TagEventMessages.Plan([TestEvents.Add("e1", "u1")], partitionCount: 0));
    }

    [Fact]
    public void ToServiceBusMessage_SplitPart_CarriesIdsSessionContentTypeAndSplitOf()
    {
        TagEventMessage part = TagEventMessages.Plan([TestEvents.Add(EventId, "u1", "u2")], partitionCount: 16)[0];

        Azure.Messaging.ServiceBus.ServiceBusMessage message = part.ToServiceBusMessage();

        Assert.Equal("2d904ff6-fa2f-5759-8586-d72839ef604b", message.MessageId);
        Assert.Equal("3", message.SessionId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(EventId, message.ApplicationProperties["splitOf"]);
        Assert.Equal(part.Body.ToArray(), message.Body.ToArray());
        Assert.False(message.ApplicationProperties.ContainsKey("Diagnostic-Id"));
    }
}
