using System.Collections.Concurrent;
using System.Globalization;
using TagWorker.Sources;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueTests
{
    [Fact]
    public async Task ReceiveAsync_AfterEnqueue_LeasesOldestFirstInEnqueueOrder()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 5), Cancellation);

        var first = await queue.ReceiveAsync(3, Cancellation);
        var second = await queue.ReceiveAsync(10, Cancellation);
        var third = await queue.ReceiveAsync(10, Cancellation);

        Assert.Equal(["m0", "m1", "m2"], first.Select(m => Text(m.Body)));
        Assert.Equal(["m3", "m4"], second.Select(m => Text(m.Body)));
        Assert.Empty(third);
        var all = first.Concat(second).ToList();
        Assert.All(all, m => Assert.Equal(1, m.DeliveryCount));
        Assert.All(all, m => Assert.Equal(context.Time.GetUtcNow(), m.EnqueuedAt));
        Assert.All(all, m => Assert.Null(m.LastError));
        Assert.Equal(5, all.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(all.Select(m => m.SequenceNumber).Order(), all.Select(m => m.SequenceNumber));
        Assert.Equal(new LocalQueueCounts(0, 5, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReceiveAsync_NotOwner_ThrowsAndLeasesNothing()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ReceiveAsync(1, Cancellation));

        Assert.Contains(queue.FilePath, failure.Message, StringComparison.Ordinal);
        Assert.False(queue.IsOwner);
        Assert.Equal(new LocalQueueCounts(1, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReceiveBatchAsync_MoreAvailableThanLeased_SaysSoAndNotWhenItTookTheLast()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 5), Cancellation);

        var partial = await queue.ReceiveBatchAsync(3, Cancellation);
        var exactlyTheRest = await queue.ReceiveBatchAsync(2, Cancellation);
        await queue.EnqueueAsync(Bodies("n", 1), Cancellation);
        var fewerThanAsked = await queue.ReceiveBatchAsync(10, Cancellation);

        Assert.Equal((3, true), (partial.Messages.Count, partial.MoreAvailable));
        Assert.Equal((2, false), (exactlyTheRest.Messages.Count, exactlyTheRest.MoreAvailable));
        Assert.Equal((1, false), (fewerThanAsked.Messages.Count, fewerThanAsked.MoreAvailable));
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
        Assert.Equal(queue.FilePath + ".owner", queue.OwnerLockFilePath);
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
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 2), Cancellation);
        var leased = await queue.ReceiveAsync(1, Cancellation);

        await queue.CompleteAsync(leased[0].SequenceNumber, leased[0].LockToken, Cancellation);
        await queue.ReclaimLeasesAsync([], Cancellation);

        var next = await queue.ReceiveAsync(10, Cancellation);
        Assert.Equal(["m1"], next.Select(m => Text(m.Body)));
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task AbandonAsync_LeasedMessage_RedeliversAtOnceWithDeliveryCountPlusOne()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
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
    public async Task AbandonAsync_OlderThanTheLastReceive_ComesBackBeforeNewerMessages()
    {
        // The scan cursor skips the leased prefix; an abandon below it must move it back.
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 6), Cancellation);
        var leased = await queue.ReceiveAsync(4, Cancellation);

        await queue.AbandonAsync(leased[1].SequenceNumber, leased[1].LockToken, Cancellation);
        var next = await queue.ReceiveAsync(10, Cancellation);

        Assert.Equal(["m1", "m4", "m5"], next.Select(m => Text(m.Body)));
    }

    [Fact]
    public async Task ReceiveAsync_LeaseHeldLongAfterReceive_IsNeverRedeliveredWhileOwned()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];

        context.Time.Advance(TimeSpan.FromDays(2));
        var later = await queue.ReceiveAsync(1, Cancellation);

        Assert.Empty(later);
        await queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation);
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReceiveAsync_DeliveryCountWouldExceedMax_DeadLettersInsteadQuotingTheLastErrorAndDeliversTheNext()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxDeliveryCount = 2);
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("poison")], Cancellation);
        var errors = new[] { "HTTP 502", null };
        for (var i = 0; i < 2; i++)
        {
            var delivery = (await queue.ReceiveAsync(1, Cancellation))[0];
            await queue.AbandonAsync(delivery.SequenceNumber, delivery.LockToken, errors[i], Cancellation);
        }

        await queue.EnqueueAsync([Body("good")], Cancellation);
        var next = await queue.ReceiveAsync(1, Cancellation);

        Assert.Equal(["good"], next.Select(m => Text(m.Body)));
        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal("poison", Text(deadLetter.Body));
        Assert.Equal(LocalQueue.MaxDeliveryCountExceededReason, deadLetter.Reason);
        Assert.Equal("MaxDeliveryCountExceeded", deadLetter.Reason);
        Assert.Contains("LocalQueue:MaxDeliveryCount", deadLetter.Description, StringComparison.Ordinal);
        Assert.EndsWith("; last error: HTTP 502", deadLetter.Description, StringComparison.Ordinal);
        Assert.Equal("HTTP 502", deadLetter.LastError);
        Assert.Null(deadLetter.FailedUsers);
        Assert.Equal(context.Time.GetUtcNow(), deadLetter.EnqueuedAt);
        Assert.Equal(2, deadLetter.DeliveryCount);
        Assert.Equal(context.Time.GetUtcNow(), deadLetter.DeadLetteredAt);
        Assert.Equal(new LocalQueueCounts(0, 1, 1), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReceiveAsync_DeliveryCountWouldExceedMaxWithoutAnyError_DescriptionSaysOnlyTheCount()
    {
        await using var context = new LocalQueueTestContext(o => o.MaxDeliveryCount = 1);
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("poison")], Cancellation);
        var delivery = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.AbandonAsync(delivery.SequenceNumber, delivery.LockToken, Cancellation);

        Assert.Empty(await queue.ReceiveAsync(1, Cancellation));

        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        Assert.Equal("The message reached LocalQueue:MaxDeliveryCount (1) deliveries without being settled.", deadLetter.Description);
        Assert.Null(deadLetter.LastError);
    }

    [Fact]
    public async Task AbandonAsync_WithLastError_NextDeliveryCarriesItAndAnAbandonWithoutOneKeepsIt()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var first = (await queue.ReceiveAsync(1, Cancellation))[0];

        await queue.AbandonAsync(first.SequenceNumber, first.LockToken, "91000 internal error (8 attempts)", Cancellation);
        var second = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.AbandonAsync(second.SequenceNumber, second.LockToken, lastError: null, Cancellation);
        var third = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.AbandonAsync(third.SequenceNumber, third.LockToken, "HTTP 502", Cancellation);
        var fourth = (await queue.ReceiveAsync(1, Cancellation))[0];

        Assert.Null(first.LastError);
        Assert.Equal("91000 internal error (8 attempts)", second.LastError);
        Assert.Equal("91000 internal error (8 attempts)", third.LastError);
        Assert.Equal("HTTP 502", fourth.LastError);
        Assert.Equal(4, fourth.DeliveryCount);
    }

    [Fact]
    public async Task DeadLetterAsync_WithReasonAndDescription_MovesMessageToDeadLetterStore()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("bad")], Cancellation);
        var enqueuedAt = context.Time.GetUtcNow();
        context.Time.Advance(TimeSpan.FromSeconds(1));
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
        Assert.Equal(enqueuedAt, deadLetter.EnqueuedAt);
        Assert.Null(deadLetter.FailedUsers);
        await queue.ReclaimLeasesAsync([], Cancellation);
        Assert.Empty(await queue.ReceiveAsync(10, Cancellation));
        Assert.Equal(new LocalQueueCounts(0, 0, 1), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task DeadLetterAsync_WithFailedUsers_KeepsThemAndTheLastError()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 2), Cancellation);
        var first = await queue.ReceiveAsync(2, Cancellation);
        await queue.AbandonAsync(first[0].SequenceNumber, first[0].LockToken, "HTTP 502", Cancellation);
        var again = (await queue.ReceiveAsync(1, Cancellation))[0];
        FailedUser[] failed =
        [
            new("u1", 90032, "Rejected", "tag count exceeds 100"),
            new("用户-2", 90001, "Rejected", null),
        ];

        await queue.DeadLetterAsync(again.SequenceNumber, again.LockToken, new DeadLetterDetails("Rejected", "2 of 3 users failed", failed), Cancellation);
        await queue.DeadLetterAsync(first[1].SequenceNumber, first[1].LockToken, new DeadLetterDetails("InvalidEvent", "bad JSON", null), Cancellation);

        var deadLetters = await queue.ReadDeadLettersAsync(10, Cancellation);
        Assert.Equal(["m0", "m1"], deadLetters.Select(d => Text(d.Body)));
        Assert.Equal(failed, deadLetters[0].FailedUsers);
        Assert.Equal("HTTP 502", deadLetters[0].LastError);
        Assert.Equal(2, deadLetters[0].DeliveryCount);
        Assert.Null(deadLetters[1].FailedUsers);
        Assert.Null(deadLetters[1].LastError);
    }

    [Fact]
    public async Task ReadDeadLettersAsync_MoreThanMax_ReturnsOldestMax()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 3), Cancellation);
        foreach (var leased in await queue.ReceiveAsync(3, Cancellation))
        {
            await queue.DeadLetterAsync(leased.SequenceNumber, leased.LockToken, "Test", "", Cancellation);
        }

        var deadLetters = await queue.ReadDeadLettersAsync(2, Cancellation);
        var afterFirst = await queue.ReadDeadLettersAsync(deadLetters[0].SequenceNumber, 10, Cancellation);

        Assert.Equal(["m0", "m1"], deadLetters.Select(m => Text(m.Body)));
        Assert.Equal(["m1", "m2"], afterFirst.Select(m => Text(m.Body)));
    }

    [Fact]
    public async Task RemoveDeadLetterAsync_Present_RemovesOnlyItAndThenReportsItGone()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 2), Cancellation);
        var leased = await queue.ReceiveAsync(2, Cancellation);
        foreach (var message in leased)
        {
            await queue.DeadLetterAsync(message.SequenceNumber, message.LockToken, "Test", "", Cancellation);
        }

        var removed = await queue.RemoveDeadLetterAsync(leased[0].SequenceNumber, Cancellation);
        var removedAgain = await queue.RemoveDeadLetterAsync(leased[0].SequenceNumber, Cancellation);

        Assert.True(removed);
        Assert.False(removedAgain);
        Assert.Null(await queue.GetDeadLetterAsync(leased[0].SequenceNumber, Cancellation));
        Assert.Equal("m1", Text((await queue.GetDeadLetterAsync(leased[1].SequenceNumber, Cancellation))!.Body));
        Assert.Equal(new LocalQueueCounts(0, 0, 1), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task Settle_AlreadySettled_ThrowsMessageLockLost()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation);

        var complete = await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.AbandonAsync(leased.SequenceNumber, leased.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.DeadLetterAsync(leased.SequenceNumber, leased.LockToken, "Test", "", Cancellation));

        Assert.Equal(leased.SequenceNumber, complete.SequenceNumber);
        Assert.Empty(await queue.ReadDeadLettersAsync(10, Cancellation));
    }

    [Fact]
    public async Task Settle_AfterLeaseReclaimedAndRedelivered_ThrowsMessageLockLostAndLeavesNewDelivery()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var stale = (await queue.ReceiveAsync(1, Cancellation))[0];
        await queue.ReclaimLeasesAsync([], Cancellation);
        var current = (await queue.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.CompleteAsync(stale.SequenceNumber, stale.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.AbandonAsync(stale.SequenceNumber, stale.LockToken, Cancellation));
        await Assert.ThrowsAsync<MessageLockLostException>(
            () => queue.DeadLetterAsync(stale.SequenceNumber, stale.LockToken, "Test", "", Cancellation));

        Assert.Equal(2, current.DeliveryCount);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.CompleteAsync(current.SequenceNumber, current.LockToken, Cancellation);
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task ReclaimLeasesAsync_SomeHeld_ReturnsOnlyTheOthersInSequenceOrder()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 6), Cancellation);
        var leased = await queue.ReceiveAsync(5, Cancellation);

        var reclaimed = await queue.ReclaimLeasesAsync([leased[1].SequenceNumber, leased[3].SequenceNumber], Cancellation);
        var next = await queue.ReceiveAsync(10, Cancellation);

        Assert.Equal(3, reclaimed);
        Assert.Equal(["m0", "m2", "m4", "m5"], next.Select(m => Text(m.Body)));
        Assert.Equal([2, 2, 2, 1], next.Select(m => m.DeliveryCount));
        await queue.CompleteAsync(leased[1].SequenceNumber, leased[1].LockToken, Cancellation);
        await queue.CompleteAsync(leased[3].SequenceNumber, leased[3].LockToken, Cancellation);
    }

    [Fact]
    public async Task Settle_ManyConcurrently_EachGetsItsOwnOutcome()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
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
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, new CancellationToken(canceled: true)));

        Assert.Equal(new LocalQueueCounts(0, 1, 0), await queue.GetCountsAsync(Cancellation));
        await queue.AbandonAsync(leased.SequenceNumber, leased.LockToken, Cancellation);
        Assert.Equal(new LocalQueueCounts(1, 0, 0), await queue.GetCountsAsync(Cancellation));
    }

    [Fact]
    public async Task EnqueueAsync_QueueDisposedAndFileReopened_KeepsEveryMessageAndLeaseUntilTheNextOwnerReclaims()
    {
        await using var context = new LocalQueueTestContext();
        var before = await context.CreateOwnedQueueAsync();
        await before.EnqueueAsync(Bodies("m", 5), Cancellation);
        var leased = await before.ReceiveAsync(2, Cancellation);
        before.Dispose();

        var after = context.CreateQueue();
        var countsOnReopen = await after.GetCountsAsync(Cancellation);
        var ownership = await after.TakeOwnershipAsync(Cancellation);
        var messages = await after.ReceiveAsync(10, Cancellation);

        Assert.Equal(new LocalQueueCounts(3, 2, 0), countsOnReopen);
        Assert.Equal(2, ownership.ReclaimedLeases);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], messages.Select(m => Text(m.Body)));
        Assert.Equal(leased.Select(m => m.MessageId), messages.Take(2).Select(m => m.MessageId));
        Assert.Equal([2, 2, 1, 1, 1], messages.Select(m => m.DeliveryCount));
    }

    [Fact]
    public async Task EnqueueAsync_FilesCopiedWhileQueueStillOpen_CopyHoldsEveryMessage()
    {
        // What a crash leaves behind: the files as they are, with no close, no checkpoint, no cleanup.
        await using var context = new LocalQueueTestContext();
        var running = await context.CreateOwnedQueueAsync();
        await running.EnqueueAsync(Bodies("m", 5), Cancellation);
        await running.ReceiveAsync(2, Cancellation);
        var crashDirectory = Path.Combine(context.Directory, "crashed");
        Directory.CreateDirectory(crashDirectory);
        foreach (var file in Directory.GetFiles(context.Directory, "queue.db*"))
        {
            // The owner's lock file is held open exclusively; a crash leaves no lock behind, so it is not copied.
            if (!file.EndsWith(".owner", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(crashDirectory, Path.GetFileName(file)));
            }
        }

        var recovered = await context.CreateOwnedQueueAsync(Path.Combine(crashDirectory, "queue.db"));
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

        // Two instances on one file, as two processes would be (the enqueue verb beside a running worker): their
        // writes meet in SQLite, not on one I/O thread.
        var producer = context.CreateQueue();
        var consumer = await context.CreateOwnedQueueAsync();
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
        var queue = await context.CreateOwnedQueueAsync();
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
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        var leased = (await queue.ReceiveAsync(1, Cancellation))[0];

        queue.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.ReceiveAsync(1, Cancellation));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.GetCountsAsync(Cancellation));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.CompleteAsync(leased.SequenceNumber, leased.LockToken, Cancellation));
        Assert.False(queue.IsOwner);
    }

    [Fact]
    public async Task Dispose_SettlementsGivenBefore_AreWritten()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();
        await queue.EnqueueAsync(Bodies("m", 100), Cancellation);
        var leased = await queue.ReceiveAsync(100, Cancellation);

        var completes = leased.Select(m => queue.CompleteAsync(m.SequenceNumber, m.LockToken, Cancellation)).ToArray();
        queue.Dispose();

        await Task.WhenAll(completes);
        var reopened = context.CreateQueue();
        Assert.Equal(new LocalQueueCounts(0, 0, 0), await reopened.GetCountsAsync(Cancellation));
    }
}
