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
        var due = await _timers.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
        Advance(due);
        return due;
    }

    /// <summary>Milliseconds from <paramref name="origin"/> to the timestamp <paramref name="timestamp"/>.</summary>
    public double MillisecondsBetween(long origin, long timestamp) => GetElapsedTime(origin, timestamp).TotalMilliseconds;
}
