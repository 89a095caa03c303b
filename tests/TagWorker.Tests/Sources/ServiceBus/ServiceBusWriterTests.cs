using System.Text;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusWriterTests : IAsyncDisposable
{
    private readonly RecordingServiceBusClient _client = new();

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private ServiceBusWriter CreateWriter(bool sessions = false, ServiceBusSessionIdSelector? selector = null, string? queue = "tag-events", string? topic = null) =>
        new(_client, Options.Create(new ServiceBusSourceOptions { QueueName = queue, TopicName = topic, SubscriptionName = topic is null ? null : "s", SessionsEnabled = sessions }), selector);

    private static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(ServiceBusMessage message) => message.Body.ToString();

    private List<ServiceBusMessage> Sent => [.. _client.Sender.SentBatches.SelectMany(batch => batch)];

    [Fact]
    public async Task EnqueueAsync_Event_SendsJsonWithEventIdAsMessageId()
    {
        ServiceBusWriter writer = CreateWriter();

        await writer.EnqueueAsync([Body("""{"version":1,"eventId":"0b9e-1","op":"add","users":["u1"],"tags":["vip"]}""")], TestContext.Current.CancellationToken);

        ServiceBusMessage message = Assert.Single(Sent);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("0b9e-1", message.MessageId);
        Assert.Null(message.SessionId);
        Assert.Equal("sender tag-events", _client.CreatedFor);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""["eventId"]""")]
    [InlineData("""{"eventId":42}""")]
    [InlineData("""{"eventId":""}""")]
    [InlineData("""{"users":["u1"]}""")]
    [InlineData("""{"eventId":"truncated""")]
    public async Task EnqueueAsync_NoUsableEventId_LeavesMessageIdUnset(string json)
    {
        ServiceBusWriter writer = CreateWriter();

        await writer.EnqueueAsync([Body(json)], TestContext.Current.CancellationToken);

        ServiceBusMessage message = Assert.Single(Sent);
        Assert.Null(message.MessageId);
        Assert.Equal(json, Text(message));
    }

    [Fact]
    public async Task EnqueueAsync_EventIdAfterNestedValues_Found()
    {
        ServiceBusWriter writer = CreateWriter();

        await writer.EnqueueAsync([Body("\uFEFF" + """{"users":["u1",{"x":[1]}],"meta":{"eventId":"inner"},"eventId":"outer"}""")], TestContext.Current.CancellationToken);

        Assert.Equal("outer", Assert.Single(Sent).MessageId);
    }

    [Fact]
    public async Task EnqueueAsync_EventIdLongerThanBrokerLimit_LeavesMessageIdUnset()
    {
        ServiceBusWriter writer = CreateWriter();
        string eventId = new('e', 129);

        await writer.EnqueueAsync([Body($$"""{"eventId":"{{eventId}}"}""")], TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(Sent).MessageId);
    }

    [Fact]
    public async Task EnqueueAsync_MoreThanABatch_SendsAllInOrderAcrossBatches()
    {
        _client.Sender.MessagesPerBatch = 2;
        ServiceBusWriter writer = CreateWriter();

        await writer.EnqueueAsync([.. Enumerable.Range(1, 5).Select(i => Body($$"""{"eventId":"e{{i}}"}"""))], TestContext.Current.CancellationToken);

        Assert.Equal([2, 2, 1], _client.Sender.SentBatches.Select(batch => batch.Count));
        Assert.Equal(["e1", "e2", "e3", "e4", "e5"], Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task EnqueueAsync_BodyTooLargeForAnyBatch_Throws()
    {
        _client.Sender.MessagesPerBatch = 0;
        ServiceBusWriter writer = CreateWriter();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.EnqueueAsync([Body("{}")], TestContext.Current.CancellationToken));

        Assert.Contains("Event 0", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_client.Sender.SentBatches);
    }

    [Fact]
    public async Task EnqueueAsync_SessionsEnabled_SetsSessionIdFromSelectorAndGroupsPerSessionInOrder()
    {
        ServiceBusWriter writer = CreateWriter(sessions: true, selector: body => Encoding.UTF8.GetString(body.Span).Contains("u1", StringComparison.Ordinal) ? "3" : "9");

        await writer.EnqueueAsync(
            [
                Body("""{"eventId":"a","users":["u1"]}"""),
                Body("""{"eventId":"b","users":["u2"]}"""),
                Body("""{"eventId":"c","users":["u1"]}"""),
            ],
            TestContext.Current.CancellationToken);

        Assert.Equal(2, _client.Sender.SentBatches.Count);
        Assert.Equal([("a", "3"), ("c", "3")], _client.Sender.SentBatches[0].Select(m => (m.MessageId, m.SessionId)));
        Assert.Equal([("b", "9")], _client.Sender.SentBatches[1].Select(m => (m.MessageId, m.SessionId)));
    }

    [Fact]
    public async Task EnqueueAsync_SessionsEnabledAndNoSessionForBody_ThrowsNamingTheEvent()
    {
        ServiceBusWriter writer = CreateWriter(sessions: true, selector: _ => null);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => writer.EnqueueAsync([Body("{}"), Body("{}")], TestContext.Current.CancellationToken));

        Assert.Contains("Event 0", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_client.Sender.SentBatches);
    }

    [Fact]
    public async Task EnqueueAsync_SessionsDisabled_IgnoresSelector()
    {
        ServiceBusWriter writer = CreateWriter(sessions: false, selector: _ => "3");

        await writer.EnqueueAsync([Body("{}")], TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(Sent).SessionId);
    }

    [Fact]
    public void Constructor_SessionsEnabledWithoutSelector_Throws()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CreateWriter(sessions: true));

        Assert.Contains("ServiceBus:SessionsEnabled", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Topic_SendsToTopic()
    {
        _ = CreateWriter(queue: null, topic: "tags");

        Assert.Equal("sender tags", _client.CreatedFor);
    }

    [Fact]
    public async Task DisposeAsync_DisposesSender()
    {
        ServiceBusWriter writer = CreateWriter();

        await writer.DisposeAsync();

        Assert.True(_client.Sender.Disposed);
    }
}
