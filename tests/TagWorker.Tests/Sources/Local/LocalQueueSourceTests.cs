using System.Threading.Channels;
using TagWorker.Sources;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueSourceTests
{
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
    public async Task RunAsync_MessageHeldLongAfterReceive_StaysLeasedWithoutRenewalAndCanBeCompleted()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);

        context.Time.Advance(TimeSpan.FromDays(2));
        var countsLater = await queue.GetCountsAsync(Cancellation);
        await message.CompleteAsync(Cancellation);

        Assert.Equal(DateTimeOffset.MaxValue, message.LockedUntil);
        Assert.False(message.LockLost.CanBeCanceled);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), countsLater);
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
    public async Task RunAsync_HandsOutMessage_WithTheDeliverysIdBodySequenceCountsAndLastError()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxDeliveryCount = 7);
        var earlierOwner = await context.CreateOwnedQueueAsync();
        await earlierOwner.EnqueueAsync([Body("m0")], Cancellation);
        var earlier = (await earlierOwner.ReceiveAsync(1, Cancellation))[0];
        await earlierOwner.AbandonAsync(earlier.SequenceNumber, earlier.LockToken, "HTTP 502", Cancellation);
        earlierOwner.Dispose();
        var queue = context.CreateQueue();
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);

        var message = Assert.IsType<LocalQueueMessage>(await Next(handedOut));

        Assert.Equal(earlier.MessageId, message.MessageId);
        Assert.Equal(earlier.SequenceNumber, message.SequenceNumber);
        Assert.Equal("m0", Text(message.Body));
        Assert.Equal(2, message.DeliveryCount);
        Assert.Equal(7, message.MaxDeliveryCount);
        Assert.Equal("HTTP 502", message.LastError);
        Assert.Equal(earlier.EnqueuedAt, message.EnqueuedAt);
        Assert.Null(message.SessionId);
        Assert.False(message.IsSettled);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task DeadLetterAsync_AfterTheBodyWasReleased_StoresTheBodyAsEnqueued()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);

        message.ReleaseBody();
        await message.DeadLetterAsync("Rejected", "users[0] refused", Cancellation);

        Assert.True(message.Body.IsEmpty);
        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal("m0", Text(deadLetter.Body));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Theory]
    [InlineData("order-42")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task RunAsync_MessageIdOfAnyForm_IsHandedOutExactlyAsStored(string messageId)
    {
        // The enqueue verb gives every message a Guid in "N" form, which the source keeps as a Guid; an id of
        // another form (a file written by another tool) must come back unchanged all the same.
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={queue.FilePath};Pooling=False"))
        {
            connection.Open();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE messages SET message_id = $id";
            update.Parameters.AddWithValue("$id", messageId);
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);

        Assert.Equal(messageId, message.MessageId);
        await message.DeadLetterAsync("Test", "to see the stored id", Cancellation);
        Assert.Equal(messageId, Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation)).MessageId);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task AbandonAndDeadLetter_ThroughSourceMessage_RecordLastErrorAndFailedUsers()
    {
        // One message at a time: the source waits for the abandon to free its place, then receives the redelivery
        // (rather than finding the queue empty and polling on the fake clock).
        await using var context = new LocalQueueTestContext(o => o.MaxConcurrentMessages = 1);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("segment")], Cancellation);
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        FailedUser[] failed = [new("u7", 90032, "Rejected", "tag count exceeds 100")];

        await (await Next(handedOut)).AbandonAsync("91000 after 8 attempts", Cancellation);
        var redelivery = (LocalQueueMessage)await Next(handedOut);
        await redelivery.DeadLetterAsync(new DeadLetterDetails("Rejected", "1 of 120 users failed", failed), Cancellation);

        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal("91000 after 8 attempts", redelivery.LastError);
        Assert.Equal(("Rejected", "1 of 120 users failed", 2), (deadLetter.Reason, deadLetter.Description, deadLetter.DeliveryCount));
        Assert.Equal(failed, deadLetter.FailedUsers);
        Assert.Equal("91000 after 8 attempts", deadLetter.LastError);
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
    public async Task SettleAsync_AfterANewOwnerReclaimedTheLease_ThrowsMessageLockLostAndFreesItsPlace()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var message = await Next(handedOut);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
        await source.DisposeAsync();
        var newOwner = await context.CreateOwnedQueueAsync();
        var redelivery = (await newOwner.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAsync<MessageLockLostException>(() => message.CompleteAsync(Cancellation));

        Assert.Equal(0, source.UnsettledCount);
        Assert.Equal(2, redelivery.DeliveryCount);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await newOwner.CompleteAsync(redelivery.SequenceNumber, redelivery.LockToken, Cancellation);
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

    [Fact]
    public async Task RunAsync_SecondWorkerOnTheSameFile_FailsAtStartNamingTheFileAndTheOwnersProcessId()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 2), Cancellation);
        await using var first = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = first.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        await Next(handedOut);
        var secondQueue = context.CreateQueue();
        await using var second = context.CreateSource(secondQueue);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => second.RunAsync((_, _) => ValueTask.CompletedTask, Cancellation).WaitAsync(Hang, Cancellation));

        Assert.Contains(queue.FilePath, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId}", failure.Message, StringComparison.Ordinal);
        Assert.False(secondQueue.IsOwner);
        Assert.Equal(new LocalQueueCounts(0, 2, 0), await queue.GetCountsAsync(Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task RunAsync_FirstRun_ReclaimsADeadOwnersLeasesBeforeTheFirstReceiveInSequenceOrder()
    {
        await using var context = new LocalQueueTestContext();

        // The dead owner: leased three messages and settled none, then its ownership ended (as a SIGKILL ends it).
        var deadOwner = context.CreateQueue();
        var deadOwnership = await deadOwner.TakeOwnershipAsync(Cancellation);
        await deadOwner.EnqueueAsync(Bodies("old", 4), Cancellation);
        var abandonedByDeath = await deadOwner.ReceiveAsync(3, Cancellation);
        deadOwnership.Dispose();
        await deadOwner.EnqueueAsync(Bodies("new", 2), Cancellation);
        var queue = context.CreateQueue();
        await using var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var messages = new List<SourceMessage>();
        for (var i = 0; i < 6; i++)
        {
            messages.Add(await Next(handedOut));
        }

        Assert.Equal(["old0", "old1", "old2", "old3", "new0", "new1"], messages.Select(m => Text(m.Body)));
        Assert.Equal([2, 2, 2, 1, 1, 1], messages.Select(m => m.DeliveryCount));
        Assert.Equal(messages.Select(m => m.SequenceNumber).Order(), messages.Select(m => m.SequenceNumber));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => deadOwner.CompleteAsync(abandonedByDeath[0].SequenceNumber, abandonedByDeath[0].LockToken, Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task RunAsync_LaterSession_ReclaimsLeasesNoHandedOutMessageHoldsBeforeAnythingNewer()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxConcurrentMessages = 3);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 6), Cancellation);
        await using var source = context.CreateSource(queue);
        var firstSession = Channel.CreateUnbounded<SourceMessage>();
        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var firstRun = source.RunAsync(firstSession.Writer.WriteAsync, stopFirst.Token);
        var held = new[] { await Next(firstSession), await Next(firstSession), await Next(firstSession) };

        // A settle that fails (here: cancelled before it was written) frees the message's place but leaves its lease.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held[0].CompleteAsync(new CancellationToken(canceled: true)));
        var m3 = await Next(firstSession);
        await stopFirst.CancelAsync();
        await firstRun.WaitAsync(Hang, Cancellation);
        await m3.CompleteAsync(Cancellation);
        var secondSession = Channel.CreateUnbounded<SourceMessage>();
        using var stopSecond = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var secondRun = source.RunAsync(secondSession.Writer.WriteAsync, stopSecond.Token);
        var firstOfSecondSession = await Next(secondSession);

        Assert.Equal(["m0", "m1", "m2", "m3"], held.Append(m3).Select(m => Text(m.Body)));
        Assert.Equal("m0", Text(firstOfSecondSession.Body));
        Assert.Equal(2, firstOfSecondSession.DeliveryCount);
        await held[1].CompleteAsync(Cancellation);
        await held[2].CompleteAsync(Cancellation);
        var rest = new[] { await Next(secondSession), await Next(secondSession) };
        Assert.Equal(["m4", "m5"], rest.Select(m => Text(m.Body)));
        await stopSecond.CancelAsync();
        await secondRun.WaitAsync(Hang, Cancellation);
    }

    [Fact]
    public async Task DisposeAsync_Owner_ReleasesOwnershipSoAnotherWorkerCanTakeIt()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var source = context.CreateSource(queue);
        var handedOut = Channel.CreateUnbounded<SourceMessage>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync(handedOut.Writer.WriteAsync, stop.Token);
        var held = await Next(handedOut);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
        var ownedWhileSourceLived = queue.IsOwner;

        await source.DisposeAsync();
        var next = context.CreateQueue();
        var ownership = await next.TakeOwnershipAsync(Cancellation);

        Assert.True(ownedWhileSourceLived);
        Assert.Equal(1, ownership.ReclaimedLeases);
        Assert.False(held.IsSettled);
        Assert.False(queue.IsOwner);
        Assert.True(next.IsOwner);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => source.RunAsync((_, _) => ValueTask.CompletedTask, Cancellation));
    }

    [Fact]
    public async Task BacklogWaiting_LastReceiveCameBackFull_IsTrueUntilAReceiveTakesTheLast()
    {
        await using var context = new LocalQueueTestContext(o => (o.MaxConcurrentMessages, o.ReceiveBatchSize) = (10, 3));
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 5), Cancellation);
        await using var source = context.CreateSource(queue);
        var backlogAtHandOut = Channel.CreateUnbounded<(string Body, bool Backlog)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var run = source.RunAsync((m, ct) => backlogAtHandOut.Writer.WriteAsync((Text(m.Body), source.BacklogWaiting), ct), stop.Token);

        var seen = new List<(string Body, bool Backlog)>();
        for (var i = 0; i < 5; i++)
        {
            seen.Add(await backlogAtHandOut.Reader.ReadAsync(Cancellation).AsTask().WaitAsync(Hang, Cancellation));
        }

        // The first receive took 3 of 5 (more waiting); the second took the last 2 (nothing more).
        Assert.Equal([("m0", true), ("m1", true), ("m2", true), ("m3", false), ("m4", false)], seen);
        await stop.CancelAsync();
        await run.WaitAsync(Hang, Cancellation);
        Assert.False(source.BacklogWaiting);
    }

    private static async Task<SourceMessage> Next(Channel<SourceMessage> handedOut) =>
        await handedOut.Reader.ReadAsync(Cancellation).AsTask().WaitAsync(Hang, Cancellation);
}
