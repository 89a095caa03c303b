using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace TagWorker.Tests.Dispatch.Pacing;

/// <summary>
/// A fake clock a test moves from one timer to the next: it waits until the code under test has armed its next delay,
/// then advances exactly to it, so no step can race ahead of a timer that is not armed yet.
/// </summary>
internal sealed class SteppingTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    // One read at a time, kept across calls: an abandoned read would swallow the next timer.
    private Task<TimeSpan>? _pendingRead;

    public SteppingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer to be armed and advances the clock to its due time; returns that delay.</summary>
    public async Task<TimeSpan> AdvanceToNextTimerAsync()
    {
        var due = await NextTimer().WaitAsync(Patience, TestContext.Current.CancellationToken);
        _pendingRead = null;
        Advance(due);
        return due;
    }

    /// <summary>
    /// Waits for the next timer to be armed and advances the clock <paramref name="late"/> past its due time, as a timer
    /// that fires late (a busy machine) would; returns the timer's delay.
    /// </summary>
    public async Task<TimeSpan> AdvancePastNextTimerAsync(TimeSpan late)
    {
        var due = await NextTimer().WaitAsync(Patience, TestContext.Current.CancellationToken);
        _pendingRead = null;
        Advance(due + late);
        return due;
    }

    /// <summary>
    /// Advances from timer to timer until <paramref name="task"/> completes, for code whose number of delays is not known
    /// in advance (real I/O between them); returns its result.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> task)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        while (true)
        {
            var nextTimer = NextTimer();
            var first = await Task.WhenAny(task, nextTimer).WaitAsync(Patience, cancellationToken);
            if (first == task)
            {
                return await task;
            }

            _pendingRead = null;
            Advance(await nextTimer);
        }
    }

    private Task<TimeSpan> NextTimer() => _pendingRead ??= _timers.Reader.ReadAsync(CancellationToken.None).AsTask();

    /// <summary>Milliseconds from <paramref name="origin"/> to the timestamp <paramref name="timestamp"/>.</summary>
    public double MillisecondsBetween(long origin, long timestamp) => GetElapsedTime(origin, timestamp).TotalMilliseconds;
}
