using System.Diagnostics;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueOwnershipTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TakeOwnershipAsync_AnotherInstanceOwns_FailsNamingTheFileAndTheOwnersProcessId()
    {
        await using var context = new LocalQueueTestContext();
        var owner = await context.CreateOwnedQueueAsync();
        var contender = context.CreateQueue();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => contender.TakeOwnershipAsync(Cancellation));

        Assert.Contains(contender.FilePath, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId}", failure.Message, StringComparison.Ordinal);
        Assert.Contains(contender.OwnerLockFilePath, failure.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(failure.InnerException, exactMatch: false);
        Assert.True(owner.IsOwner);
        Assert.False(contender.IsOwner);
    }

    [Fact]
    public async Task TakeOwnershipAsync_ThisInstanceOwnsAlready_Throws()
    {
        await using var context = new LocalQueueTestContext();
        var queue = await context.CreateOwnedQueueAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.TakeOwnershipAsync(Cancellation));

        Assert.True(queue.IsOwner);
    }

    [Fact]
    public async Task TakeOwnershipAsync_DeadOwnersLeases_AreReclaimedBeforeTheFirstReceiveInSequenceOrderWithCountsUnchanged()
    {
        await using var context = new LocalQueueTestContext();
        var deadOwner = context.CreateQueue();
        var deadOwnership = await deadOwner.TakeOwnershipAsync(Cancellation);
        await deadOwner.EnqueueAsync(Bodies("m", 3), Cancellation);
        var first = await deadOwner.ReceiveAsync(3, Cancellation);
        await deadOwner.AbandonAsync(first[1].SequenceNumber, first[1].LockToken, Cancellation);
        var leasedByTheDead = new[] { first[0], first[2], (await deadOwner.ReceiveAsync(1, Cancellation))[0] };
        deadOwnership.Dispose();
        await deadOwner.EnqueueAsync(Bodies("newer", 2), Cancellation);
        var successor = context.CreateQueue();

        var ownership = await successor.TakeOwnershipAsync(Cancellation);
        var countsBeforeReceive = await successor.GetCountsAsync(Cancellation);
        var messages = await successor.ReceiveAsync(10, Cancellation);

        Assert.True(deadOwnership.IsReleased);
        Assert.False(deadOwner.IsOwner);
        Assert.Equal(3, ownership.ReclaimedLeases);
        Assert.Equal(new LocalQueueCounts(5, 0, 0), countsBeforeReceive);
        Assert.Equal(["m0", "m1", "m2", "newer0", "newer1"], messages.Select(m => Text(m.Body)));

        // Reclaiming leaves the counts as the dead owner's deliveries made them; this receive adds its own.
        Assert.Equal([2, 3, 2, 1, 1], messages.Select(m => m.DeliveryCount));
        foreach (var stale in leasedByTheDead)
        {
            await Assert.ThrowsAsync<MessageLockLostException>(() => deadOwner.CompleteAsync(stale.SequenceNumber, stale.LockToken, Cancellation));
        }
    }

    [Fact]
    public async Task Dispose_Ownership_StopsReceivingAndLeavesThePidInTheLockFile()
    {
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        var ownership = await queue.TakeOwnershipAsync(Cancellation);

        ownership.Dispose();

        Assert.True(ownership.IsReleased);
        Assert.False(queue.IsOwner);
        Assert.Equal(queue.OwnerLockFilePath, ownership.LockFilePath);
        Assert.Equal($"{Environment.ProcessId}\n", await File.ReadAllTextAsync(ownership.LockFilePath, Cancellation));
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ReceiveAsync(1, Cancellation));
    }

    [Fact]
    public async Task TakeOwnershipAsync_AfterQueueDisposed_SucceedsOnAnotherInstance()
    {
        await using var context = new LocalQueueTestContext();
        var first = await context.CreateOwnedQueueAsync();

        first.Dispose();
        var second = await context.CreateOwnedQueueAsync();

        Assert.True(second.IsOwner);
    }

    [Fact]
    public async Task TakeOwnershipAsync_LockHeldByAnotherProcess_FailsUntilThatProcessIsKilled()
    {
        // util-linux flock(1) takes the same kind of lock (flock(2)) that .NET takes for FileShare.None, in a process
        // of its own; SIGKILL (Process.Kill) must release it, as it does for a killed worker.
        await using var context = new LocalQueueTestContext();
        var queue = context.CreateQueue();
        await queue.EnqueueAsync([Body("m0")], Cancellation);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", queue.OwnerLockFilePath, "-c", "echo locked; exec cat"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(Cancellation).AsTask().WaitAsync(Hang, Cancellation));

            var whileHeld = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.TakeOwnershipAsync(Cancellation));
            holder.Kill();
            await holder.WaitForExitAsync(Cancellation).WaitAsync(Hang, Cancellation);
            var ownership = await queue.TakeOwnershipAsync(Cancellation);

            Assert.Contains("process unknown", whileHeld.Message, StringComparison.Ordinal);
            Assert.False(ownership.IsReleased);
            Assert.True(queue.IsOwner);
        }
        finally
        {
            // The shell's cat outlives flock; closing its input ends it.
            holder.StandardInput.Close();
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }
}
