using FsCheck;
using FsCheck.Xunit;
using TagWorker.Contracts;
using TagWorker.Publisher.Tests.TestDoubles;

namespace TagWorker.Publisher.Tests;

/// <summary>
/// Publishing any events through batches of any size: every planned message is sent exactly once, no batch is over
/// the size or mixes sessions, and every user sees its events in the order given.
/// </summary>
public sealed class PublishProperties
{
    [Property(Arbitrary = [typeof(SplitProperties.SegmentEvents)], MaxTest = 200)]
    public async Task<bool> PublishAsync_AnyEventsAndBatchSize_AllSentOnceWithinSizeOnePerSessionUserOrderKept(
        TagChangeEvent[] events, PositiveInt partitionSeed, PositiveInt sizeSeed, bool sessions)
    {
        await using var client = new RecordingServiceBusClient();
        // Large enough for the largest generated event (40 users), small enough to need many batches.
        client.Sender.BatchSizeBytes = 1_400 + (sizeSeed.Get % 4_000);
        int n = (partitionSeed.Get % 32) + 1;
        await using var publisher = new TagEventPublisher(client, new TagEventPublisherOptions { QueueName = "q", SessionsEnabled = sessions, PartitionCount = n });

        TagEventPublishResult result = await publisher.PublishAsync(events, TestContext.Current.CancellationToken);

        List<Azure.Messaging.ServiceBus.ServiceBusMessage> sent = [.. client.Sender.Sent];
        bool allOnce = sent.Select(m => m.MessageId).Order(StringComparer.Ordinal)
            .SequenceEqual(result.Messages.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        bool withinSize = client.Sender.SentBatches.All(batch => batch.Sum(SizedBatchSender.Size) <= client.Sender.BatchSizeBytes);
        bool oneSession = client.Sender.SentBatches.All(batch => batch.Select(m => m.SessionId).Distinct(StringComparer.Ordinal).Count() == 1);

        // Per user, the positions of the events that reached it, in the order the broker received them.
        Dictionary<string, int> indexOf = result.Messages.ToDictionary(m => m.MessageId, m => m.Index, StringComparer.Ordinal);
        bool userOrder = sent
            .SelectMany(m => TestEvents.Parse(m.Body.ToMemory()).Users.Select(u => (User: u, Index: indexOf[m.MessageId])))
            .GroupBy(x => x.User, StringComparer.Ordinal)
            .All(g => g.Select(x => x.Index).SequenceEqual(g.Select(x => x.Index).Order()));
        return allOnce && withinSize && oneSession && userOrder && result.BatchCount == client.Sender.SentBatches.Count;
    }
}
