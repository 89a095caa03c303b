using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueIoThreadTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_Operation_RunsOnTheQueuesOwnThreadAndContinuesOffIt()
    {
        await using var context = new LocalQueueTestContext();
        using var io = CreateThread(context);

        var (isPoolThread, name, threadId) = await io.RunAsync(
            () => (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name, Environment.CurrentManagedThreadId), Cancellation);
        var continuedOn = Environment.CurrentManagedThreadId;

        Assert.False(isPoolThread);
        Assert.Equal("TagWorker local queue I/O", name);
        Assert.NotEqual(threadId, continuedOn);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaitingItsTurn_NeverRunsAndEndsCancelled()
    {
        await using var context = new LocalQueueTestContext();
        using var io = CreateThread(context);
        using var release = new ManualResetEventSlim();
        var blocking = io.RunAsync(() => release.Wait(Hang), Cancellation);
        using var cancel = new CancellationTokenSource();
        var ran = false;
        var waiting = io.RunAsync(() => ran = true, cancel.Token);

        await cancel.CancelAsync();
        release.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Hang, Cancellation));
        Assert.True(await blocking.WaitAsync(Hang, Cancellation));
        Assert.True(await io.RunAsync(() => true, Cancellation));
        Assert.False(ran);
    }

    [Fact]
    public async Task Dispose_CallsNotYetStarted_FailWithObjectDisposed()
    {
        await using var context = new LocalQueueTestContext();
        var io = CreateThread(context);

        // The first call holds the thread until the disposal has begun, so the second is still waiting then.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = io.RunAsync(() =>
        {
            started.SetResult();
            return SpinWait.SpinUntil(() => io.IsDisposed, Hang);
        }, Cancellation);
        var waiting = io.RunAsync(() => true, Cancellation);
        await started.Task.WaitAsync(Hang, Cancellation);

        await Task.Run(io.Dispose, Cancellation).WaitAsync(Hang, Cancellation);

        Assert.True(await blocking);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => io.RunAsync(() => true, Cancellation));
    }

    [Fact]
    public async Task SettleAsync_CompletesInOneGroupCommit_EachGetsItsOwnOutcome()
    {
        await using var context = new LocalQueueTestContext();
        var store = new LocalQueueStore(context.Options.Path, context.Options, new FakeTimeProvider(), NullLogger.Instance);
        using var io = new LocalQueueIoThread(store);
        await io.RunAsync(() => store.TakeOwnership(), Cancellation);
        await io.RunAsync(() => { store.Enqueue(Bodies("m", 4)); return true; }, Cancellation);
        var leased = (await io.RunAsync(() => store.Receive(4), Cancellation)).Messages;

        // The thread is held while the completes queue up, so they are written in one transaction: in reverse
        // order, one twice, one with a token that never held it.
        using var release = new ManualResetEventSlim();
        var blocking = io.RunAsync(() => release.Wait(Hang), Cancellation);
        var outcomes = new[]
        {
            Outcome(io.SettleAsync(PendingSettlement.Complete(leased[3].SequenceNumber, leased[3].LockToken), Cancellation)),
            Outcome(io.SettleAsync(PendingSettlement.Complete(leased[2].SequenceNumber, Guid.NewGuid()), Cancellation)),
            Outcome(io.SettleAsync(PendingSettlement.Complete(leased[1].SequenceNumber, leased[1].LockToken), Cancellation)),
            Outcome(io.SettleAsync(PendingSettlement.Complete(leased[1].SequenceNumber, leased[1].LockToken), Cancellation)),
            Outcome(io.SettleAsync(PendingSettlement.Complete(leased[0].SequenceNumber, leased[0].LockToken), Cancellation)),
        };
        release.Set();
        await blocking.WaitAsync(Hang, Cancellation);
        var results = await Task.WhenAll(outcomes).WaitAsync(Hang, Cancellation);

        Assert.Equal([true, false, true, false, true], results);
        Assert.Equal(new LocalQueueCounts(0, 1, 0), await io.RunAsync(store.Counts, Cancellation));

        static async Task<bool> Outcome(Task settlement)
        {
            try
            {
                await settlement;
                return true;
            }
            catch (MessageLockLostException)
            {
                return false;
            }
        }
    }

    private static LocalQueueIoThread CreateThread(LocalQueueTestContext context) =>
        new(new LocalQueueStore(context.Options.Path, context.Options, new FakeTimeProvider(), NullLogger.Instance));
}
