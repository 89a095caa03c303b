using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace TagWorker.Tests.TestDoubles;

/// <summary>
/// A fake clock that reports every time one of its timers is armed, with the due time asked for. The coordinator arms
/// its timer after each pass over its signals, so a test that waits for the next arming knows that pass is over (and
/// what it decided) without sleeping.
/// </summary>
internal sealed class TimerWatchingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Waits for the next time a timer is armed (a finite due time), and returns that due time.</summary>
    public ValueTask<TimeSpan> NextArmedAsync(CancellationToken cancellationToken) => _armed.Reader.ReadAsync(cancellationToken);

    /// <summary>Forgets the armings seen so far.</summary>
    public void ClearArmed()
    {
        while (_armed.Reader.TryRead(out _))
        {
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), _armed.Writer);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    private sealed class WatchedTimer(ITimer inner, ChannelWriter<TimeSpan> armed) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                armed.TryWrite(dueTime);
            }

            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
