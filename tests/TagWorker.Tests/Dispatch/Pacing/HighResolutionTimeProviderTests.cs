using System.Collections.Concurrent;
using System.Diagnostics;
using TagWorker.Dispatch.Pacing;

namespace TagWorker.Tests.Dispatch.Pacing;

/// <summary>The pacers' real-clock timers: one thread, callbacks in due order, never early.</summary>
public sealed class HighResolutionTimeProviderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly int[] DueTimes = [30, 10, 20];

    [Fact]
    public async Task Delay_CompletesAndNotBeforeItsDueTime()
    {
        using var time = new HighResolutionTimeProvider();
        var started = Stopwatch.GetTimestamp();

        await Task.Delay(TimeSpan.FromMilliseconds(15), time, Ct).WaitAsync(Patience, Ct);

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(15));
    }

    [Fact]
    public async Task Timers_FireInTheOrderTheyAreDue()
    {
        using var time = new HighResolutionTimeProvider();
        var fired = new ConcurrentQueue<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timers = DueTimes.Select(due => time.CreateTimer(
            _ =>
            {
                fired.Enqueue(due);
                if (fired.Count == 3)
                {
                    all.TrySetResult();
                }
            },
            null,
            TimeSpan.FromMilliseconds(due),
            Timeout.InfiniteTimeSpan)).ToArray();

        await all.Task.WaitAsync(Patience, Ct);

        Assert.Equal([10, 20, 30], fired);
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    [Fact]
    public async Task Dispose_TheTimerNeverFires()
    {
        using var time = new HighResolutionTimeProvider();
        var disposedFired = false;
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposed = time.CreateTimer(_ => disposedFired = true, null, TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        using var laterTimer = time.CreateTimer(_ => later.TrySetResult(), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);

        // One thread runs the callbacks in due order: had the disposed one fired, it would have fired first.
        await later.Task.WaitAsync(Patience, Ct);

        Assert.False(disposedFired);
    }

    [Fact]
    public async Task Change_ToInfinite_StopsTheTimer_AndAPeriodFiresItAgainAndAgain()
    {
        using var time = new HighResolutionTimeProvider();
        var stoppedFired = false;
        var ticks = 0;
        var thrice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopped = time.CreateTimer(_ => stoppedFired = true, null, TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        Assert.True(stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        using var periodic = time.CreateTimer(
            _ =>
            {
                if (Interlocked.Increment(ref ticks) == 3)
                {
                    thrice.TrySetResult();
                }
            },
            null,
            TimeSpan.FromMilliseconds(10),
            TimeSpan.FromMilliseconds(5));

        await thrice.Task.WaitAsync(Patience, Ct);

        Assert.False(stoppedFired);
    }

    [Fact]
    public void Change_AfterTheProviderIsDisposed_ReturnsFalse()
    {
        var time = new HighResolutionTimeProvider();
        using var timer = time.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        time.Dispose();

        Assert.False(timer.Change(TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan));
    }
}
