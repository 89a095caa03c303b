using System.Threading.Channels;
using TagWorker.Sources;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueSourceTests
{
    private const int LocksRenewedEventId = 1104;

    // A safety net so a broken source fails the test instead of hanging it; never a timing assertion.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_MaxConcurrentMessagesUnsettled_HandsOutNoMoreUntilOneIsSettled()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxConcurrentMessages = 3);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 10), Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);

        var first = new[] { await Next(handedOut), await Next(handedOut), await Next(handedOut) };
        var countsAtLimit = await queue.GetCountsAsync(Cancellation);
        var extraAtLimit = handedOut.Reader.TryRead(out _);
        await first[0].CompleteAsync(Cancellation);
        var fourth = await Next(handedOut);
        var countsAfterOneSettled = await queue.GetCountsAsync(Cancellation);
        var extraAfterOneSettled = handedOut.Reader.TryRead(out _);

        Assert.Equal(["m0", "m1", "m2"], first.Select(m => Text(m.Body)));
        Assert.Equal(new LocalQueueCounts(7, 3, 0), countsAtLimit);
        Assert.False(extraAtLimit);
        Assert.Equal("m3", Text(fourth.Body));
        Assert.Equal(new LocalQueueCounts(6, 3, 0), countsAfterOneSettled);
        Assert.False(extraAfterOneSettled);
        Assert.Equal(3, source.UnsettledCount);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task RunAsync_MessageUnsettled_RenewsItsLockPastLockDuration()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var logger = new EventSignalLogger<LocalQueueSource>(LocksRenewedEventId);
        await using var source = context.CreateSource(queue, logger);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = (LocalQueueMessage)await Next(handedOut);
        var lockDuration = context.Options.LockDuration;

        // Renewal passes run every quarter of the lock duration and renew locks with half or less left.
        context.Time.Advance(lockDuration * 3 / 4);
        await logger.Logged.WaitAsync(Hang, Cancellation);
        context.Time.Advance(lockDuration / 2);
        var competitor = context.CreateQueue();
        var stolen = await competitor.ReceiveAsync(1, Cancellation);

        Assert.Empty(stolen);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        Assert.True(message.LockedUntil > context.Time.GetUtcNow());
        await message.CompleteAsync(Cancellation);
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await queue.GetCountsAsync(Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileQueueEmpty_Returns()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await using var source = context.CreateSource(queue);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync((_, _) => ValueTask.CompletedTask, stop.Token);

        await stop.CancelAsync();

        await run.WaitAsync(Hang, Cancellation);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileAtLimit_ReturnsAndHandedOutMessagesCanStillBeSettled()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxConcurrentMessages = 2);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 3), Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var completed = await Next(handedOut);
        var abandoned = await Next(handedOut);

        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
        await completed.CompleteAsync(Cancellation);
        await abandoned.AbandonAsync(Cancellation);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal(0, source.UnsettledCount);
        var remaining = await queue.ReceiveAsync(10, Cancellation);
        Assert.Equal(["m1", "m2"], remaining.Select(m => Text(m.Body)));
        Assert.Equal([2, 1], remaining.Select(m => m.DeliveryCount));
    }

    [Fact]
    public async Task RunAsync_HandsOutMessage_WithIdBodyAndDeliveryCountOfTheDelivery()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var earlier = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.AbandonAsync(earlier.SequenceNumber, earlier.LockToken, Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);

        var message = Assert.IsType<LocalQueueMessage>(await Next(handedOut));

        Assert.Equal(earlier.MessageId, message.MessageId);
        Assert.Equal(earlier.SequenceNumber, message.SequenceNumber);
        Assert.Equal("m0", Text(message.Body));
        Assert.Equal(2, message.DeliveryCount);
        Assert.False(message.IsSettled);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task SettleAsync_Twice_ThrowsAndSettlesOnlyOnce()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);

        await message.DeadLetterAsync("InvalidEvent", "bad JSON", Cancellation);

        await Assert.ThrowsAsync<InvalidOperationException>(() => message.CompleteAsync(Cancellation));
        await Assert.ThrowsAsync<InvalidOperationException>(() => message.AbandonAsync(Cancellation));
        Assert.Equal(0, source.UnsettledCount);
        Assert.Equal(new LocalQueueCounts(0, 0, 1), await queue.GetCountsAsync(Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task SettleAsync_AfterLockLost_ThrowsMessageLockLostAndFreesItsPlace()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxAutoLockRenewal = TimeSpan.Zero);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
        context.Time.Advance(context.Options.LockDuration);
        var redelivery = (await queue.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAsync<MessageLockLostException>(() => message.CompleteAsync(Cancellation));

        Assert.Equal(0, source.UnsettledCount);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.CompleteAsync(redelivery.SequenceNumber, redelivery.LockToken, Cancellation);
    }

    [Fact]
    public async Task RunAsync_OnMessageThrows_GivesBackMessagesNotTakenAndRethrows()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 3), Cancellation);
        await using var source = context.CreateSource(queue);
        var taken = new List<SourceMessage>();
        var run = source.RunAsync((message, _) =>
        {
            if (taken.Count == 1)
            {
                throw new InvalidOperationException("consumer failure");
            }

            taken.Add(message);
            return ValueTask.CompletedTask;
        }, Cancellation);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Hang, Cancellation));

        Assert.Equal("consumer failure", failure.Message);
        Assert.Equal(1, source.UnsettledCount);
        Assert.Equal(new LocalQueueCounts(2, 1, 0), await queue.GetCountsAsync(Cancellation));
        var givenBack = await queue.ReceiveAsync(10, Cancellation);
        Assert.Equal(["m1", "m2"], givenBack.Select(m => Text(m.Body)));
        Assert.Equal("m0", Text(Assert.Single(taken).Body));
    }

    [Fact]
    public async Task RunAsync_AlreadyRunning_Throws()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await using var source = context.CreateSource(queue);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync((_, _) => ValueTask.CompletedTask, stop.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => source.RunAsync((_, _) => ValueTask.CompletedTask, stop.Token));

        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    private static async Task<SourceMessage> Next(Channel<SourceMessage> handedOut) =>
        await handedOut.Reader.ReadAsync(Cancellation).AsTask().WaitAsync(Hang, Cancellation);
}
