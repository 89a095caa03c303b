using System.Globalization;
using System.Threading.Channels;
using TagWorker.Sources;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalDeadLetterStoreTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ListGetRemove_WhileAnotherInstanceOwnsAndRunsTheQueue_WorkWithoutOwnership()
    {
        await using var context = new LocalQueueTestContext();
        var workerQueue = context.CreateQueue();
        await workerQueue.EnqueueAsync(Bodies("m", 3), Cancellation);
        await using var source = context.CreateSource(workerQueue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        FailedUser[] failed = [new("u2", 90032, "Rejected", "tag count exceeds 100")];
        var messages = new List<SourceMessage>();
        for (var i = 0; i < 3; i++)
        {
            messages.Add(await handedOut.Reader.ReadAsync(Cancellation).AsTask().WaitAsync(Hang, Cancellation));
        }

        await messages[0].DeadLetterAsync("InvalidEvent", "bad JSON", Cancellation);
        await messages[2].DeadLetterAsync(new DeadLetterDetails("Rejected", "1 of 2 users failed", failed), Cancellation);

        // The tools' process: its own queue instance on the file, never the owner.
        var toolsQueue = context.CreateQueue();
        var store = new LocalDeadLetterStore(toolsQueue);
        var listed = await store.ListAsync(Cancellation).ToListAsync(Cancellation);
        var shown = await store.GetAsync(listed[1].Id, Cancellation);
        var removed = await store.RemoveAsync(listed[0].Id, Cancellation);
        var removedAgain = await store.RemoveAsync(listed[0].Id, Cancellation);
        var afterRemove = await store.ListAsync(Cancellation).ToListAsync(Cancellation);

        Assert.Equal([messages[0].SequenceNumber, messages[2].SequenceNumber], listed.Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)));
        Assert.Equal((messages[0].MessageId, "InvalidEvent", "bad JSON", 1, "m0"), (listed[0].MessageId, listed[0].Reason, listed[0].Description, listed[0].DeliveryCount, Text(listed[0].Body)));
        Assert.Null(listed[0].FailedUsers);
        Assert.NotNull(shown);
        Assert.Equal(failed, shown.FailedUsers);
        Assert.Equal(("Rejected", "1 of 2 users failed", "m2"), (shown.Reason, shown.Description, Text(shown.Body)));
        Assert.Equal(context.Time.GetUtcNow(), shown.EnqueuedAt);
        Assert.Equal(context.Time.GetUtcNow(), shown.DeadLetteredAt);
        Assert.Null(shown.LastError);
        Assert.Null(shown.SessionId);
        Assert.True(removed);
        Assert.False(removedAgain);
        Assert.Equal([listed[1].Id], afterRemove.Select(r => r.Id));
        Assert.False(toolsQueue.IsOwner);
        Assert.True(workerQueue.IsOwner);
        Assert.Equal(new LocalQueueCounts(0, 1, 1), await toolsQueue.GetCountsAsync(Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task ListAsync_MoreThanOnePage_ListsEveryDeadLetterOldestFirst()
    {
        const int Count = 1_001;
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", Count), Cancellation);
        var leased = await queue.ReceiveAsync(Count, Cancellation);
        await Task.WhenAll(leased.Select(m => queue.DeadLetterAsync(m.SequenceNumber, m.LockToken, "Test", "", Cancellation)));
        var store = new LocalDeadLetterStore(context.CreateQueue());

        var listed = await store.ListAsync(Cancellation).ToListAsync(Cancellation);

        Assert.Equal(leased.Select(m => m.SequenceNumber.ToString(CultureInfo.InvariantCulture)), listed.Select(r => r.Id));
    }

    [Theory]
    [InlineData("999")]
    [InlineData("not-a-number")]
    [InlineData("-1")]
    [InlineData("")]
    public async Task GetAndRemove_NoSuchId_ReturnNullAndFalse(string id)
    {
        await using var context = new LocalQueueTestContext();
        var store = new LocalDeadLetterStore(context.CreateQueue());

        Assert.Null(await store.GetAsync(id, Cancellation));
        Assert.False(await store.RemoveAsync(id, Cancellation));
    }
}
