using System.Collections.Concurrent;
using System.Globalization;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueTests
{
    [Fact]
    public async Task ReceiveAsync_AfterEnqueue_LeasesOldestFirstInEnqueueOrder()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 5), Cancellation);

        var first = await queue.ReceiveAsync(3, Cancellation);
        var second = await queue.ReceiveAsync(10, Cancellation);
        var third = await queue.ReceiveAsync(10, Cancellation);

        Assert.Equal(["m0", "m1", "m2"], first.Select(m => Text(m.Body)));
        Assert.Equal(["m3", "m4"], second.Select(m => Text(m.Body)));
        Assert.Empty(third);
        var all = first.Concat(second).ToList();
        Assert.All(all, m => Assert.Equal(1, m.DeliveryCount));
        Assert.All(all, m => Assert.Equal(context.Time.GetUtcNow() + context.Options.LockDuration, m.LockedUntil));
        Assert.Equal(5, all.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(all.Select(m => m.SequenceNumber).Order(), all.Select(m => m.SequenceNumber));
        Assert.Equal(new LocalQueueCounts(0, 5, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task EnqueueAsync_FileInMissingDirectory_CreatesDirectoryAndFile()
    {
        await using var context = new LocalQueueTestContext();
        var path = Path.Combine(context.Directory, "not", "yet", "queue.db");
        var queue = context.CreateQueue(path);

        await queue.EnqueueAsync([Body("m0")], Cancellation);

        Assert.True(File.Exists(path));
        Assert.Equal(path, queue.FilePath);
        Assert.Equal(new LocalQueueCounts(1, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task FilePath_RelativePath_IsResolvedAgainstCurrentDirectory()
    {
        await using var context = new LocalQueueTestContext(o => o.Path = "relative-queue.db");

        var queue = context.CreateQueue();

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "relative-queue.db"), queue.FilePath);
        Assert.False(File.Exists(queue.FilePath));
    }

    [Fact]
    public async Task EnqueueAsync_NoBodies_EnqueuesNothing()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();

        await queue.EnqueueAsync([], Cancellation);

        Assert.Equal(new LocalQueueCounts(0, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task CompleteAsync_LeasedMessage_RemovesIt()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 2), Cancellation);
        var leased = await queue.ReceiveAsync(1, Cancellation);

        await queue.CompleteAsync(leased[0].SequenceNumber, leased[0].LockToken, Cancellation);
        context.Time.Advance(context.Options.LockDuration);

        var next = await queue.ReceiveAsync(10, Cancellation);
        Assert.Equal(["m1"], next.Select(m => Text(m.Body)));
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task AbandonAsync_LeasedMessage_RedeliversAtOnceWithDeliveryCountPlusOne()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var first = (await queue.ReceiveAsync(1, Cancellation))[0];

        await queue.AbandonAsync(first.SequenceNumber, first.LockToken, Cancellation);
        var second = (await queue.ReceiveAsync(1, Cancellation))[0];

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.SequenceNumber, second.SequenceNumber);
        Assert.Equal(2, second.DeliveryCount);
        Assert.NotEqual(first.LockToken, second.LockToken);
        Assert.Equal("m0", Text(second.Body));
    }

    [Fact]
    public async Task ReceiveAsync_LockExpired_RedeliversMessage()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var first = (await queue.ReceiveAsync(1, Cancellation))[0];

        context.Time.Advance(context.Options.LockDuration - TimeSpan.FromMilliseconds(1));
        var beforeExpiry = await queue.ReceiveAsync(1, Cancellation);
        context.Time.Advance(TimeSpan.FromMilliseconds(1));
        var afterExpiry = await queue.ReceiveAsync(1, Cancellation);

        Assert.Empty(beforeExpiry);
        var second = Assert.Single(afterExpiry);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DeliveryCount);
    }

    [Fact]
    public async Task ReceiveAsync_DeliveryCountWouldExceedMax_DeadLettersInsteadAndDeliversTheNext()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxDeliveryCount = 2);
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("poison")], Cancellation);
        for (var i = 0; i < 2; i++)
        {
            var delivery = (await queue.ReceiveAsync(1, Cancellation))[0];
            await queue.AbandonAsync(delivery.SequenceNumber, delivery.LockToken, Cancellation);
        }

        await queue.EnqueueAsync([Body("good")], Cancellation);
        var next = await queue.ReceiveAsync(1, Cancellation);

        Assert.Equal(["good"], next.Select(m => Text(m.Body)));
        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal("poison", Text(deadLetter.Body));
        Assert.Equal(LocalQueue.MaxDeliveryCountExceededReason, deadLetter.Reason);
        Assert.Equal("MaxDeliveryCountExceeded", deadLetter.Reason);
        Assert.Contains("LocalQueue:MaxDeliveryCount", deadLetter.Description, StringComparison.Ordinal);
        Assert.Equal(2, deadLetter.DeliveryCount);
        Assert.Equal(context.Time.GetUtcNow(), deadLetter.DeadLetteredAt);
        Assert.Equal(new LocalQueueCounts(0, 1, 1), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task DeadLetterAsync_WithReasonAndDescription_MovesMessageToDeadLetterStore()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("bad")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];
        context.Time.Advance(TimeSpan.FromSeconds(3));

        await queue.DeadLetterAsync(leased.SequenceNumber, leased.LockToken, "InvalidEvent", "users[0] is empty", Cancellation);

        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal(leased.SequenceNumber, deadLetter.SequenceNumber);
        Assert.Equal(leased.MessageId, deadLetter.MessageId);
        Assert.Equal("bad", Text(deadLetter.Body));
        Assert.Equal("InvalidEvent", deadLetter.Reason);
        Assert.Equal("users[0] is empty", deadLetter.Description);
        Assert.Equal(1, deadLetter.DeliveryCount);
        Assert.Equal(context.Time.GetUtcNow(), deadLetter.DeadLetteredAt);
        context.Time.Advance(context.Options.LockDuration);
        Assert.Empty(await queue.ReceiveAsync(10, Cancellation));
        Assert.Equal(new LocalQueueCounts(0, 0, 1), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReadDeadLettersAsync_MoreThanMax_ReturnsOldestMax()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 3), Cancellation);
        foreach (var leased in await queue.ReceiveAsync(3, Cancellation))
        {
            await queue.DeadLetterAsync(leased.SequenceNumber, leased.LockToken, "Test", "", Cancellation);
        }

        var deadLetters = await queue.ReadDeadLettersAsync(2, Cancellation);

        Assert.Equal(["m0", "m1"], deadLetters.Select(m => Text(m.Body)));
    }

    [Fact]
    public async Task Settle_AlreadySettled_ThrowsMessageLockLost()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation);

        var complete = await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.AbandonAsync(leased.SequenceNumber, leased.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.DeadLetterAsync(leased.SequenceNumber, leased.LockToken, "Test", "", Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.RenewLockAsync(leased.SequenceNumber, leased.LockToken, Cancellation));

        Assert.Equal(leased.SequenceNumber, complete.SequenceNumber);
        Assert.Empty(await queue.ReadDeadLettersAsync(10, Cancellation));
    }

    [Fact]
    public async Task Settle_AfterLockExpiredAndMessageReleased_ThrowsMessageLockLostAndLeavesNewDelivery()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var stale = (await queue.ReceiveAsync(1, Cancellation))[0];
        context.Time.Advance(context.Options.LockDuration);
        var current = (await queue.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.CompleteAsync(stale.SequenceNumber, stale.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.AbandonAsync(stale.SequenceNumber, stale.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.DeadLetterAsync(stale.SequenceNumber, stale.LockToken, "Test", "", Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.RenewLockAsync(stale.SequenceNumber, stale.LockToken, Cancellation));

        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.CompleteAsync(current.SequenceNumber, current.LockToken, Cancellation);
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task Settle_ManyConcurrently_EachGetsItsOwnOutcome()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 200), Cancellation);
        var leased = await queue.ReceiveAsync(200, Cancellation);

        // Every fourth message is settled twice at once: exactly one of the two settlements may win.
        var settlements = leased.SelectMany((m, i) => (i % 4) switch
        {
            0 => [Settle(() => queue.CompleteAsync(m.SequenceNumber, m.LockToken, Cancellation))],
            1 => [Settle(() => queue.AbandonAsync(m.SequenceNumber, m.LockToken, Cancellation))],
            2 => [Settle(() => queue.DeadLetterAsync(m.SequenceNumber, m.LockToken, "Test", "m" + i, Cancellation))],
            _ => new[]
            {
                Settle(() => queue.CompleteAsync(m.SequenceNumber, m.LockToken, Cancellation)),
                Settle(() => queue.CompleteAsync(m.SequenceNumber, m.LockToken, Cancellation)),
            },
        }).ToArray();
        var outcomes = await Task.WhenAll(settlements);

        Assert.Equal(50 + 50 + 50 + 50, outcomes.Count(o => o));
        Assert.Equal(50, outcomes.Count(o => !o));
        Assert.Equal(new LocalQueueCounts(50, 0, 50), await queue.GetCountsAsync(Cancellation));
        var deadLetters = await queue.ReadDeadLettersAsync(100, Cancellation);
        Assert.All(deadLetters, d => Assert.Equal(d.Description, Text(d.Body)));
        var redelivered = await queue.ReceiveAsync(100, Cancellation);
        Assert.All(redelivered, m => Assert.Equal(1, int.Parse(Text(m.Body)[1..], CultureInfo.InvariantCulture) % 4));

        static Task<bool> Settle(Func<Task> settle) => Task.Run(async () =>
        {
            try
            {
                await settle();
                return true;
            }
            catch (MessageLockLostException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task CompleteAsync_CancelledBeforeWritten_WritesNothing()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, new CancellationToken(canceled: true)));

        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.AbandonAsync(leased.SequenceNumber, leased.LockToken, Cancellation);
        Assert.Equal(new LocalQueueCounts(1, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task RenewLockAsync_BeforeExpiry_KeepsMessageLeasedPastOriginalLock()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];
        context.Time.Advance(context.Options.LockDuration / 2);

        var lockedUntil = await queue.RenewLockAsync(leased.SequenceNumber, leased.LockToken, Cancellation);
        context.Time.Advance(context.Options.LockDuration / 2);

        Assert.Equal(leased.LockedUntil + context.Options.LockDuration / 2, lockedUntil);
        Assert.Empty(await queue.ReceiveAsync(1, Cancellation));
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation);
    }

    [Fact]
    public async Task EnqueueAsync_QueueDisposedAndFileReopened_KeepsEveryMessageAndLease()
    {
        await using var context = new LocalQueueTestContext();
        var before = context.CreateQueue();
        await before.EnqueueAsync(Bodies("m", 5), Cancellation);
        var leased = await before.ReceiveAsync(2, Cancellation);
        before.Dispose();

        var after = context.CreateQueue();
        var countsOnReopen = await after.GetCountsAsync(Cancellation);
        var available = await after.ReceiveAsync(10, Cancellation);
        foreach (var message in available)
        {
            await after.CompleteAsync(message.SequenceNumber, message.LockToken, Cancellation);
        }

        context.Time.Advance(context.Options.LockDuration);
        var redelivered = await after.ReceiveAsync(10, Cancellation);

        Assert.Equal(new LocalQueueCounts(3, 2, 0), countsOnReopen);
        Assert.Equal(["m2", "m3", "m4"], available.Select(m => Text(m.Body)));
        Assert.Equal(["m0", "m1"], redelivered.Select(m => Text(m.Body)));
        Assert.Equal(leased.Select(m => m.MessageId), redelivered.Select(m => m.MessageId));
        Assert.All(redelivered, m => Assert.Equal(2, m.DeliveryCount));
    }

    [Fact]
    public async Task EnqueueAsync_FilesCopiedWhileQueueStillOpen_CopyHoldsEveryMessage()
    {
        // What a crash leaves behind: the files as they are, with no close, no checkpoint, no cleanup.
        await using var context = new LocalQueueTestContext();
        var running = context.CreateQueue();
        await running.EnqueueAsync(Bodies("m", 5), Cancellation);
        await running.ReceiveAsync(2, Cancellation);
        var crashDirectory = Path.Combine(context.Directory, "crashed");
        Directory.CreateDirectory(crashDirectory);
        foreach (var file in Directory.GetFiles(context.Directory, "queue.db*"))
        {
            File.Copy(file, Path.Combine(crashDirectory, Path.GetFileName(file)));
        }

        var recovered = context.CreateQueue(Path.Combine(crashDirectory, "queue.db"));
        context.Time.Advance(context.Options.LockDuration);
        var messages = await recovered.ReceiveAsync(10, Cancellation);

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], messages.Select(m => Text(m.Body)));
        Assert.Equal([2, 2, 1, 1, 1], messages.Select(m => m.DeliveryCount));
    }

    [Fact]
    public async Task EnqueueAndReceive_ConcurrentlyFromTwoQueueInstances_LoseAndDuplicateNothing()
    {
        const int Writers = 4;
        const int BatchesPerWriter = 25;
        const int BatchSize = 10;
        const int Total = Writers * BatchesPerWriter * BatchSize;
        await using var context = new LocalQueueTestContext();

        // Two instances on one file, as two processes would be: their writes meet in SQLite, not in one gate.
        var producer = context.CreateQueue();
        var consumer = context.CreateQueue();
        var received = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < BatchesPerWriter; b++)
            {
                await producer.EnqueueAsync(Bodies($"w{w}-b{b}-", BatchSize), Cancellation);
            }
        }, Cancellation)).ToArray();
        var receivers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (received.Count < Total)
            {
                var batch = await consumer.ReceiveAsync(17, Cancellation);
                if (batch.Count == 0)
                {
                    await Task.Yield();
                }

                foreach (var message in batch)
                {
                    received.Add(Text(message.Body));
                    await consumer.CompleteAsync(message.SequenceNumber, message.LockToken, Cancellation);
                }
            }
        }, Cancellation)).ToArray();

        await Task.WhenAll(writers.Concat(receivers)).WaitAsync(TimeSpan.FromMinutes(2), Cancellation);

        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, BatchesPerWriter)
            .SelectMany(b => Enumerable.Range(0, BatchSize).Select(i => $"w{w}-b{b}-{i}")));
        Assert.Equal(expected.Order(), received.Order());
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await consumer.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReceiveAsync_ConcurrentReceivers_EachMessageLeasedOnce()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync(Bodies("m", 300), Cancellation);

        var batches = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => queue.ReceiveAsync(100, Cancellation), Cancellation)));

        var leased = batches.SelectMany(b => b).ToList();
        Assert.Equal(300, leased.Count);
        Assert.Equal(300, leased.Select(m => m.SequenceNumber).Distinct().Count());
        Assert.All(batches, b => Assert.Equal(b.Select(m => m.SequenceNumber).Order(), b.Select(m => m.SequenceNumber)));
    }

    [Fact]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);

        queue.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.ReceiveAsync(1, Cancellation));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.GetCountsAsync(Cancellation));
    }
}
