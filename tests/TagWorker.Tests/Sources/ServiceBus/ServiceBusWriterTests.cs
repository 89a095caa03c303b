using System.Text;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using TagWorker.Publisher;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

// The writer is an adapter over TagWorker.Publisher (tested in tests/TagWorker.Publisher.Tests); these check the
// wiring: options mapped, validated bodies split by partition, unvalidated bodies sent as they are.
// Partitions at N = 16 (docs/events.md): u1 3, u2 6.
public sealed class ServiceBusWriterTests : IAsyncDisposable
{
    private const string Valid = """{"version":1,"eventId":"0b9e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1","u2"],"tags":["vip"]}""";

    private readonly RecordingServiceBusClient _client = new();

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private ServiceBusWriter CreateWriter(bool sessions = false, string? queue = "tag-events", string? topic = null) =>
        new(_client, Options.Create(new ServiceBusSourceOptions { QueueName = queue, TopicName = topic, SubscriptionName = topic is null ? null : "s", SessionsEnabled = sessions, PartitionCount = 16 }));

    private static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    private List<ServiceBusMessage> Sent => [.. _client.Sender.SentBatches.SelectMany(batch => batch)];

    [Fact]
    public async Task EnqueueAsync_Event_SendsTheBodyWithEventIdAsMessageId()
    {
        ServiceBusWriter writer = CreateWriter();

        await writer.EnqueueAsync([Body(Valid)], TestContext.Current.CancellationToken);

        ServiceBusMessage message = Assert.Single(Sent);
        Assert.Equal(("0b9e-1", "application/json", (string?)null, Valid), (message.MessageId, message.ContentType, message.SessionId, message.Body.ToString()));
        Assert.Equal("sender tag-events", _client.CreatedFor);
    }

    [Fact]
    public async Task EnqueueAsync_SessionsEnabled_SplitsByPartitionWithDerivedIds()
    {
        ServiceBusWriter writer = CreateWriter(sessions: true);

        await writer.EnqueueAsync([Body(Valid)], TestContext.Current.CancellationToken);

        Assert.Equal(
            [("3", SplitEventId.For("0b9e-1", 3, 16)), ("6", SplitEventId.For("0b9e-1", 6, 16))],
            Sent.Select(m => (m.SessionId, m.MessageId)));
    }

    [Fact]
    public async Task EnqueueAsync_InvalidBody_RefusedNothingSent()
    {
        ServiceBusWriter writer = CreateWriter();

        await Assert.ThrowsAsync<InvalidTagEventException>(() => writer.EnqueueAsync([Body(Valid), Body("{}")], TestContext.Current.CancellationToken));

        Assert.Empty(_client.Sender.SentBatches);
    }

    [Fact]
    public async Task EnqueueUnvalidatedAsync_InvalidBody_SentAsItIs()
    {
        ITagEventWriter writer = CreateWriter(sessions: true);

        await writer.EnqueueUnvalidatedAsync([Body("""{"eventId":"bad","users":["u2"]}""")], TestContext.Current.CancellationToken);

        ServiceBusMessage message = Assert.Single(Sent);
        Assert.Equal(("bad", "6", """{"eventId":"bad","users":["u2"]}"""), (message.MessageId, message.SessionId, message.Body.ToString()));
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
