using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using TagWorker.Contracts;
using TagWorker.Publisher.Tests.TestDoubles;

namespace TagWorker.Publisher.Tests;

// Partitions at N = 16 (docs/events.md): u1 3, u2 6, u3 9, u11 6, u12 3.
public sealed class TagEventPublisherTests : IAsyncDisposable
{
    private readonly RecordingServiceBusClient _client = new();

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private SizedBatchSender Sender => _client.Sender;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TagEventPublisher Create(bool sessions = false, int? partitionCount = 16, int? maxPerBatch = null, string? queue = "tag-events", string? topic = null) =>
        new(_client, new TagEventPublisherOptions
        {
            QueueName = queue,
            TopicName = topic,
            SessionsEnabled = sessions,
            PartitionCount = partitionCount,
            MaxMessagesPerBatch = maxPerBatch,
        });

    [Fact]
    public async Task PublishAsync_Event_SendsJsonWithEventIdAsMessageId()
    {
        await using TagEventPublisher publisher = Create();
        TagChangeEvent e = TestEvents.Add("0b9e-1", "u1", "u2");

        TagEventPublishResult result = await publisher.PublishAsync(e, Token);

        ServiceBusMessage message = Assert.Single(Sender.Sent);
        Assert.Equal("0b9e-1", message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Null(message.SessionId);
        Assert.Equal(TagChangeEventSerializer.SerializeToUtf8Bytes(e), message.Body.ToArray());
        Assert.Equal((1, 1, 1), (result.EventCount, result.MessageCount, result.BatchCount));
        Assert.Equal(["tag-events"], _client.SendersCreatedFor);
    }

    [Fact]
    public async Task PublishAsync_NoSessions_SegmentEventSentWholeWithoutSession()
    {
        await using TagEventPublisher publisher = Create(sessions: false);

        await publisher.PublishAsync(TestEvents.Add("seg", "u1", "u2", "u3"), Token);

        ServiceBusMessage message = Assert.Single(Sender.Sent);
        Assert.Equal("seg", message.MessageId);
        Assert.Null(message.SessionId);
        Assert.False(message.ApplicationProperties.ContainsKey("splitOf"));
        Assert.Equal(["u1", "u2", "u3"], TestEvents.Parse(message.Body.ToMemory()).Users);
    }

    [Fact]
    public async Task PublishAsync_Sessions_SplitsSegmentEventOnePartPerSession()
    {
        await using TagEventPublisher publisher = Create(sessions: true);

        TagEventPublishResult result = await publisher.PublishAsync(TestEvents.Add("seg", "u1", "u2", "u12", "u3"), Token);

        Assert.Equal((1, 3, 3), (result.EventCount, result.MessageCount, result.BatchCount));
        Assert.Equal(
            [
                ("3", SplitEventId.For("seg", 3, 16), "u1,u12"),
                ("6", SplitEventId.For("seg", 6, 16), "u2"),
                ("9", SplitEventId.For("seg", 9, 16), "u3"),
            ],
            Sender.SentBatches.Select(batch => Assert.Single(batch))
                .Select(m => (m.SessionId, m.MessageId, string.Join(',', TestEvents.Parse(m.Body.ToMemory()).Users))));
        Assert.All(Sender.Sent, m => Assert.Equal("seg", m.ApplicationProperties["splitOf"]));
    }

    [Fact]
    public async Task PublishAsync_ManyEvents_SeveralBatchesEachWithinTheSizeInOrder()
    {
        Sender.BatchSizeBytes = 2_000;
        await using TagEventPublisher publisher = Create();
        TagChangeEvent[] events = [.. Enumerable.Range(0, 200).Select(i => TestEvents.Add($"e{i}", $"u{i}", $"v{i}"))];

        TagEventPublishResult result = await publisher.PublishAsync(events, Token);

        Assert.True(Sender.SentBatches.Count > 1, $"{Sender.SentBatches.Count} batches");
        Assert.Equal(Sender.SentBatches.Count, result.BatchCount);
        Assert.All(Sender.SentBatches, batch => Assert.InRange(batch.Sum(SizedBatchSender.Size), 1, Sender.BatchSizeBytes));

        // As large as allowed: each batch but the last was closed only because the next message did not fit.
        for (int i = 0; i < Sender.SentBatches.Count - 1; i++)
        {
            Assert.True(Sender.SentBatches[i].Sum(SizedBatchSender.Size) + SizedBatchSender.Size(Sender.SentBatches[i + 1][0]) > Sender.BatchSizeBytes);
        }

        Assert.Equal(events.Select(e => e.EventId), Sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task PublishAsync_Sessions_BatchesNeverMixSessionsAndKeepEachUsersOrder()
    {
        await using TagEventPublisher publisher = Create(sessions: true);

        await publisher.PublishAsync(
            [TestEvents.Add("a", "u1"), TestEvents.Add("b", "u2"), TestEvents.Add("c", "u1", "u12"), TestEvents.Add("d", "u11", "u1")],
            Token);

        Assert.All(Sender.SentBatches, batch => Assert.Single(batch.Select(m => m.SessionId).Distinct()));
        Assert.Equal(
            ["3: a", "3: c", $"3: {SplitEventId.For("d", 3, 16)}", "6: b", $"6: {SplitEventId.For("d", 6, 16)}"],
            Sender.Sent.Select(m => $"{m.SessionId}: {m.MessageId}"));
    }

    [Fact]
    public async Task PublishAsync_MaxMessagesPerBatch_CapsEachBatch()
    {
        await using TagEventPublisher publisher = Create(maxPerBatch: 2);

        await publisher.PublishAsync([.. Enumerable.Range(0, 5).Select(i => TestEvents.Add($"e{i}", "u1"))], Token);

        Assert.Equal([2, 2, 1], Sender.SentBatches.Select(batch => batch.Count));
    }

    [Fact]
    public async Task PublishAsync_InvalidEvent_NothingSentAndNoBatchMade()
    {
        await using TagEventPublisher publisher = Create(sessions: true);
        var bad = new TagChangeEvent(1, "e2", TestEvents.OccurredAt, TagOperation.Add, ["u1"], ["vip", ""]);

        var exception = await Assert.ThrowsAsync<InvalidTagEventException>(() => publisher.PublishAsync([TestEvents.Add("e1", "u1"), bad], Token));

        Assert.Equal("tags[1]", Assert.Single(exception.Errors).Field);
        Assert.Contains("Event 1 (eventId 'e2')", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Sender.SentBatches);
        Assert.Equal(0, Sender.BatchesCreated);
    }

    [Fact]
    public async Task PublishAsync_MessageLargerThanAnEmptyBatch_NamesTheEventAndSendsNothing()
    {
        Sender.BatchSizeBytes = 500;
        await using TagEventPublisher publisher = Create();
        TagChangeEvent large = TestEvents.Add("big", [.. Enumerable.Range(0, 100).Select(i => $"user-{i}")]);

        var exception = await Assert.ThrowsAsync<TagEventTooLargeException>(() => publisher.PublishAsync([TestEvents.Add("small", "u1"), large], Token));

        Assert.Equal((1, "big", 500L), (exception.Index, exception.MessageId, exception.MaxSizeInBytes));
        Assert.Contains("Event 1 (message id 'big')", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Sender.SentBatches);
    }

    [Fact]
    public async Task PublishAsync_SendFails_ThrowsAfterTheEarlierBatches()
    {
        Sender.FailSendNumber = 2;
        await using TagEventPublisher publisher = Create(maxPerBatch: 1);

        await Assert.ThrowsAsync<ServiceBusException>(() => publisher.PublishAsync([TestEvents.Add("e1", "u1"), TestEvents.Add("e2", "u1"), TestEvents.Add("e3", "u1")], Token));

        Assert.Equal(["e1"], Sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task PublishAsync_WithinAnActivity_StampsItsIdAsDiagnosticId()
    {
        await using TagEventPublisher publisher = Create();
        using var activity = new Activity("publish-test").SetIdFormat(ActivityIdFormat.W3C).Start();

        await publisher.PublishAsync(TestEvents.Add("e1", "u1"), Token);

        Assert.Equal(activity.Id, Assert.Single(Sender.Sent).ApplicationProperties["Diagnostic-Id"]);
        Assert.StartsWith("00-", activity.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_NoActivity_NoDiagnosticId()
    {
        Activity.Current = null;
        await using TagEventPublisher publisher = Create();

        await publisher.PublishAsync(TestEvents.Add("e1", "u1"), Token);

        Assert.False(Assert.Single(Sender.Sent).ApplicationProperties.ContainsKey("Diagnostic-Id"));
    }

    [Fact]
    public async Task PublishAsync_Cancelled_SendsNothing()
    {
        await using TagEventPublisher publisher = Create();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publisher.PublishAsync(TestEvents.Add("e1", "u1"), cancellation.Token));

        Assert.Empty(Sender.SentBatches);
    }

    [Fact]
    public async Task PublishBodiesAsync_ValidBodies_SentByteForByteWithTheirIds()
    {
        await using TagEventPublisher publisher = Create(sessions: true);
        string json = """{"version":1,"eventId":"b-1","occurredAt":"2026-11-25T10:00:00Z","op":"removeAll","users":["u1"],"replayOf":"x"}""";

        await publisher.PublishBodiesAsync([TestEvents.Body(json)], Token);

        ServiceBusMessage message = Assert.Single(Sender.Sent);
        Assert.Equal(json, message.Body.ToString());
        Assert.Equal(("b-1", "3"), (message.MessageId, message.SessionId));
    }

    [Fact]
    public async Task PublishBodiesAsync_InvalidBody_NothingSent()
    {
        await using TagEventPublisher publisher = Create();

        var exception = await Assert.ThrowsAsync<InvalidTagEventException>(() => publisher.PublishBodiesAsync([TestEvents.Body("""{"version":1}""")], Token));

        Assert.Equal("bodies", exception.ParamName);
        Assert.Empty(Sender.SentBatches);
    }

    [Fact]
    public async Task PublishUnvalidatedBodiesAsync_InvalidBodies_SentAsTheyAreWithReadableIds()
    {
        await using TagEventPublisher publisher = Create(sessions: true);

        TagEventPublishResult result = await publisher.PublishUnvalidatedBodiesAsync(
            [TestEvents.Body("""{"eventId":"bad-1","users":["u2"],"tags":[""]}"""), TestEvents.Body("""{"eventId":42,"users":["u1"]}""")],
            Token);

        Assert.Equal([("bad-1", "6"), (null, "3")], Sender.Sent.Select(m => ((string?)m.MessageId, m.SessionId)));
        Assert.Equal("""{"eventId":"bad-1","users":["u2"],"tags":[""]}""", Sender.Sent.First().Body.ToString());
        Assert.Equal((2, 2), (result.MessageCount, result.BatchCount));
        Assert.Empty(result.Messages);
    }

    [Fact]
    public async Task PublishUnvalidatedBodiesAsync_SessionsAndNoAccount_NothingSent()
    {
        await using TagEventPublisher publisher = Create(sessions: true);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishUnvalidatedBodiesAsync([TestEvents.Body("""{"eventId":"a","users":["u1"]}"""), TestEvents.Body("not json")], Token));

        Assert.Contains("Event 1", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Sender.SentBatches);
    }

    [Fact]
    public async Task Constructor_Topic_SendsToTheTopic()
    {
        await using TagEventPublisher publisher = Create(queue: null, topic: "tags");

        Assert.Equal("tags", publisher.EntityName);
        Assert.Equal(["tags"], _client.SendersCreatedFor);
    }

    [Fact]
    public void Constructor_SessionsWithoutPartitionCount_ThrowsNamingTheKey()
    {
        var exception = Assert.Throws<ArgumentException>(() => Create(sessions: true, partitionCount: null));

        Assert.Contains("ServiceBus:PartitionCount is required when ServiceBus:SessionsEnabled is true", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_GivenClient_ClosesTheSenderOnly()
    {
        TagEventPublisher publisher = Create();

        await publisher.DisposeAsync();

        Assert.True(Sender.Closed);
    }
}
