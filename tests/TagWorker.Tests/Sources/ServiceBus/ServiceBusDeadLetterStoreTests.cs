using System.Text;
using Azure.Messaging.ServiceBus;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusDeadLetterStoreTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Enqueued = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly RecordingServiceBusClient _client = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private ServiceBusDeadLetterStore CreateStore(string? queue = "tag-events", string? topic = null, string? subscription = null) =>
        new(_client, Microsoft.Extensions.Options.Options.Create(new ServiceBusSourceOptions { QueueName = queue, TopicName = topic, SubscriptionName = subscription }));

    private static ServiceBusReceivedMessage DeadLetter(long sequenceNumber, string reason = "Rejected", IDictionary<string, object>? extra = null)
    {
        var properties = new Dictionary<string, object>
        {
            ["DeadLetterReason"] = reason,
            ["DeadLetterErrorDescription"] = $"description {sequenceNumber}",
        };
        foreach ((string key, object value) in extra ?? new Dictionary<string, object>())
        {
            properties[key] = value;
        }

        return TestMessages.Create(
            $"m-{sequenceNumber}",
            body: $$"""{"eventId":"e{{sequenceNumber}}"}""",
            deliveryCount: 3,
            sequenceNumber: sequenceNumber,
            sessionId: "7",
            properties: properties,
            enqueuedTime: Enqueued);
    }

    [Fact]
    public void Constructor_Queue_ReceivesFromItsDeadLetterSubQueueInPeekLockWithoutPrefetch()
    {
        _ = CreateStore();

        Assert.Equal("receiver queue tag-events", _client.CreatedFor);
        Assert.Equal(SubQueue.DeadLetter, _client.ReceiverOptions!.SubQueue);
        Assert.Equal(ServiceBusReceiveMode.PeekLock, _client.ReceiverOptions.ReceiveMode);
        Assert.Equal(0, _client.ReceiverOptions.PrefetchCount);
    }

    [Fact]
    public void Constructor_TopicSubscription_ReceivesFromTheSubscriptionsDeadLetters()
    {
        _ = CreateStore(queue: null, topic: "tags", subscription: "worker");

        Assert.Equal("receiver topic tags subscription worker", _client.CreatedFor);
        Assert.Equal(SubQueue.DeadLetter, _client.ReceiverOptions!.SubQueue);
    }

    [Fact]
    public async Task ListAsync_MoreThanOnePage_AllOldestFirstByExplicitPositions()
    {
        _client.Receiver.Add([.. Enumerable.Range(1, 150).Select(i => DeadLetter(1000 + i))]);
        ServiceBusDeadLetterStore store = CreateStore();

        List<DeadLetterRecord> records = await store.ListAsync(Ct).ToListAsync(Ct);

        Assert.Equal(Enumerable.Range(1, 150).Select(i => (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), records.Select(r => r.Id));
        Assert.Equal(["Peek 100 from 1", "Peek 100 from 1101", "Peek 100 from 1151"], _client.Receiver.Calls);
        Assert.Empty(_client.Receiver.Locked);
    }

    [Fact]
    public async Task ListAsync_Record_MapsBrokerFieldsAndTheSourcesProperties()
    {
        FailedUser[] failed = [new("u2", 90032, "Rejected", "over the cap")];
        _client.Receiver.Add(DeadLetter(42, extra: new Dictionary<string, object>
        {
            ["failedUsers"] = FailedUsersJson.Serialize(failed)!,
            ["lastError"] = "91000 internal error",
            ["deadLetteredAt"] = "2026-12-01T10:30:00.0000000Z",
        }));
        ServiceBusDeadLetterStore store = CreateStore();

        DeadLetterRecord record = Assert.Single(await store.ListAsync(Ct).ToListAsync(Ct));

        Assert.Equal(("42", "m-42", "Rejected", "description 42", 3), (record.Id, record.MessageId, record.Reason, record.Description, record.DeliveryCount));
        Assert.Equal(Enqueued, record.EnqueuedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 30, 0, TimeSpan.Zero), record.DeadLetteredAt);
        Assert.Equal("""{"eventId":"e42"}""", Encoding.UTF8.GetString(record.Body.Span));
        Assert.Equal(failed, record.FailedUsers);
        Assert.Equal("91000 internal error", record.LastError);
        Assert.Equal("7", record.SessionId);
    }

    [Fact]
    public async Task ListAsync_BrokerMadeDeadLetter_NoFailedUsersAndEnqueueTimeStandsInForDeadLetterTime()
    {
        _client.Receiver.Add(DeadLetter(5, reason: "MaxDeliveryCountExceeded"));
        ServiceBusDeadLetterStore store = CreateStore();

        DeadLetterRecord record = Assert.Single(await store.ListAsync(Ct).ToListAsync(Ct));

        Assert.Equal("MaxDeliveryCountExceeded", record.Reason);
        Assert.Null(record.FailedUsers);
        Assert.Null(record.LastError);
        Assert.Equal(Enqueued, record.DeadLetteredAt);
    }

    [Fact]
    public async Task GetAsync_ExistingId_ThatRecordByPeek()
    {
        _client.Receiver.Add(DeadLetter(3), DeadLetter(8), DeadLetter(9));
        ServiceBusDeadLetterStore store = CreateStore();

        DeadLetterRecord? record = await store.GetAsync("8", Ct);

        Assert.Equal("m-8", record?.MessageId);
        Assert.Empty(_client.Receiver.Locked);
        Assert.Equal(0, _client.Receiver.ReceiveCount);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("10")]
    [InlineData("not-a-number")]
    [InlineData("-3")]
    public async Task GetAsync_NoSuchId_Null(string id)
    {
        _client.Receiver.Add(DeadLetter(3), DeadLetter(8));
        ServiceBusDeadLetterStore store = CreateStore();

        Assert.Null(await store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task RemoveAsync_ExistingId_CompletesItAndAbandonsTheOthersItTook()
    {
        _client.Receiver.Add(DeadLetter(1), DeadLetter(2), DeadLetter(3), DeadLetter(4));
        ServiceBusDeadLetterStore store = CreateStore();

        bool removed = await store.RemoveAsync("3", Ct);

        Assert.True(removed);
        Assert.Equal([1L, 2L, 4L], _client.Receiver.Remaining);
        Assert.Empty(_client.Receiver.Locked);
        Assert.Contains("Complete 3 cancellable=False", _client.Receiver.Calls);
        Assert.Contains("Abandon 1 cancellable=False", _client.Receiver.Calls);
        Assert.Contains("Abandon 2 cancellable=False", _client.Receiver.Calls);
    }

    [Fact]
    public async Task RemoveAsync_IdNotThere_FalseWithoutLockingAnything()
    {
        _client.Receiver.Add(DeadLetter(1), DeadLetter(2));
        ServiceBusDeadLetterStore store = CreateStore();

        Assert.False(await store.RemoveAsync("7", Ct));

        Assert.Equal(0, _client.Receiver.ReceiveCount);
        Assert.Equal([1L, 2L], _client.Receiver.Remaining);
    }

    [Fact]
    public async Task RemoveAsync_CancelledWhileLooking_LosesNothingAndLeavesNothingLocked()
    {
        // Small pages: the target is in the third receive; the caller gives up after the first.
        _client.Receiver.Add([.. Enumerable.Range(1, 250).Select(i => DeadLetter(i))]);
        ServiceBusDeadLetterStore store = CreateStore();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _client.Receiver.OnReceive = count =>
        {
            if (count == 2)
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RemoveAsync("240", cancel.Token));

        Assert.Equal(250, _client.Receiver.Remaining.Count);
        Assert.Empty(_client.Receiver.Locked);
        Assert.Equal(100, _client.Receiver.Calls.Count(c => c.StartsWith("Abandon", StringComparison.Ordinal) && c.EndsWith("cancellable=False", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DisposeAsync_ClosesTheReceiver()
    {
        ServiceBusDeadLetterStore store = CreateStore();

        await store.DisposeAsync();

        Assert.True(_client.Receiver.Disposed);
    }
}
