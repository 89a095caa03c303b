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

    private static LocalQueueIoThread CreateThread(LocalQueueTestContext context) =>
        new(new LocalQueueStore(context.Options.Path, context.Options, new FakeTimeProvider(), NullLogger.Instance));
}
