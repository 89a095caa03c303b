namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// The system clock with timers that fire within about a tenth of a millisecond of when they are due, for the pacers'
/// waits. Only <see cref="CreateTimer"/> differs from <see cref="TimeProvider.System"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why: .NET's timers (and so <c>Task.Delay</c>) count their due times in <see cref="Environment.TickCount64"/>, which
/// on Linux reads <c>CLOCK_MONOTONIC_COARSE</c>: one kernel tick, 4 ms on this project's machines. A pacer at 98 calls/s
/// waits 10.2 ms between calls, so each wait ended 0 to 8 ms late (median ~5 ms measured) and the pacer alone reached
/// 95.5 calls/s instead of 98: every late departure is either lost or paid back with two calls close together. A
/// blocking wait on a thread of its own (<see cref="WaitHandle.WaitOne(int)"/>, a timed futex on the precise clock)
/// ends 0.1 ms late.
/// </para>
/// <para>
/// One thread serves every timer of the provider (the three endpoints' pacers: at most one pending wait each) and
/// keeps them in due order. Unlike the system timers it runs the callbacks itself, not on the thread pool: a pacer's
/// wait ends in its pump, which grants the next call, whose request is then written by the same thread (see
/// <see cref="AdaptivePacer"/>). Queued to the pool, that work waited behind the pipeline's: while a worker took in a
/// fresh batch of messages the pump stalled 50–75 ms once a second, and the calls held back reached the API together.
/// The callbacks are short (a pump step and the synchronous part of an HTTP send, ~0.1 ms), so one thread serves
/// all of them. The thread is started with the first timer and ends when the provider is disposed.
/// </para>
/// </remarks>
internal sealed class HighResolutionTimeProvider : TimeProvider, IDisposable
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(Timer Timer, long Version), long> _due = new();
    private readonly AutoResetEvent _changed = new(false);
    private Thread? _thread;
    private bool _disposed;
    private bool _disposedFromCallback;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _due.Clear();
            thread = _thread;
            _disposedFromCallback = thread == Thread.CurrentThread;
        }

        // Woken, the thread sees _disposed and ends. Disposed from one of its own callbacks, it cannot be waited for:
        // it disposes the event itself when it leaves its loop.
        if (thread is null)
        {
            _changed.Dispose();
        }
        else if (!_disposedFromCallback)
        {
            _changed.Set();
            thread.Join();
            _changed.Dispose();
        }
    }

    private bool Schedule(Timer timer, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan);
        bool wake;
        lock (_gate)
        {
            if (_disposed || timer.Disposed)
            {
                return false;
            }

            // A new version makes whatever the queue still holds for this timer stale.
            timer.Version++;
            timer.Period = period > TimeSpan.Zero ? ToTicks(period) : 0;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            var due = GetTimestamp() + ToTicks(dueTime);
            wake = !_due.TryPeek(out _, out var head) || due < head;
            _due.Enqueue((timer, timer.Version), due);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "TagWorker pacer timers" };
                _thread.Start();
                wake = false;
            }
        }

        if (wake)
        {
            _changed.Set();
        }

        return true;
    }

    private void Cancel(Timer timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            timer.Version++;
        }
    }

    private void Run()
    {
        var fire = new List<Timer>();
        while (true)
        {
            int wait;
            lock (_gate)
            {
                if (_disposed)
                {
                    break;
                }

                var now = GetTimestamp();
                while (_due.TryPeek(out var entry, out var due) && due <= now)
                {
                    _due.Dequeue();
                    if (entry.Version != entry.Timer.Version)
                    {
                        continue;
                    }

                    fire.Add(entry.Timer);
                    if (entry.Timer.Period > 0)
                    {
                        _due.Enqueue(entry, Math.Max(now, due + entry.Timer.Period));
                    }
                }

                // Whole milliseconds, rounded up: the wait ends a little late rather than early and spinning.
                wait = _due.TryPeek(out _, out var next)
                    ? (int)Math.Min(int.MaxValue, Math.Ceiling((next - now) * 1000.0 / TimestampFrequency))
                    : Timeout.Infinite;
            }

            foreach (var timer in fire)
            {
                timer.Callback(timer.State);
            }

            fire.Clear();
            _changed.WaitOne(wait);
        }

        if (_disposedFromCallback)
        {
            _changed.Dispose();
        }
    }

    private long ToTicks(TimeSpan span) => (long)Math.Ceiling(span.Ticks * (double)TimestampFrequency / TimeSpan.TicksPerSecond);

    private sealed class Timer(HighResolutionTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        // Guarded by the owner's lock.
        public long Version { get; set; }

        public long Period { get; set; }

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Schedule(this, dueTime, period);

        public void Dispose() => owner.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
