using TagWorker.ImApi;

namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// Lets one endpoint's calls leave one at a time, evenly spaced at an adaptive pace (<see cref="AdaptiveRate"/>), in
/// the order they asked, and never more than the pace's worth in any sliding second (<see cref="DepartureWindow"/>).
/// With a <see cref="ISharedRateBudget"/> each call also takes a slot of the app's shared budget before it leaves;
/// while that budget cannot be reached the pace's ceiling drops to this process's share.
/// </summary>
/// <remarks>
/// <para>
/// Written by hand: System.Threading.RateLimiting's limiters cannot change their rate in place (a new limiter would
/// forget who waits and what was sent), they hand out permits in bursts per replenishment period rather than spacing
/// them, and they read the real clock where this needs a <see cref="TimeProvider"/> for tests.
/// </para>
/// <para>
/// Spacing is a GCRA ("virtual scheduling"): each departure moves the next slot on by one interval from the slot it
/// used, so a departure that left late leaves a debt the next ones pay back, up to <see cref="CatchUp"/> intervals
/// of it; a departure later than that (idle, a long stall) starts the schedule again from now, so idle time never
/// turns into a burst. Paying back never sends calls closer than <see cref="MinSpacing"/> of an interval, and the
/// <see cref="DepartureWindow"/> keeps any sliding second at or under the pace (98 by default, two under the API's
/// 100: the margin for arrival jitter). The API counts calls when they arrive, so evenly spaced departures matter as
/// much as their number.
/// </para>
/// <para>
/// The waits end on <see cref="HighResolutionTimeProvider"/>'s thread when the clock is the system's (the system
/// timers fire on a 4 ms grid on Linux, 40% of an interval at 98/s), and a granted caller's continuation runs right
/// there, so the request is written within ~0.1 ms of its stamp. Measured with a pacer alone at 98/s and 32 callers:
/// 95.5 calls/s with the schedule re-based by lateness and system timers, 97.7 with the debt paid back, 98.0 with
/// the high-resolution waits as well.
/// </para>
/// </remarks>
internal sealed partial class AdaptivePacer : IDisposable
{
    // How much lateness, in intervals, later departures pay back. A worker stalls now and then (a garbage collection,
    // the two cores busy with intake): two intervals (20 ms at 98/s) lost most stalls, which showed as seconds of
    // 85–93 calls; ten pays back a 100 ms stall over the next ~40 calls. Any sliding second still holds no more than
    // the pace: the DepartureWindow sees to that.
    private const double CatchUp = 10.0;

    // The closest two departures may be while paying back, in intervals: calls that leave close together arrive
    // close together, and arrival jitter then moves more of them across the API's window edge. At three quarters a
    // 5-call debt is paid back over 20 calls, and calls stay 7.7 ms apart at 98/s.
    private const double MinSpacing = 0.75;

    // How long, in intervals of the cut pace, no call leaves after a frequency-limit answer: five calls' worth, the
    // 5% a shallow cut takes off (the shared budget holds every process back as long: RedisSharedRateBudget).
    private const double HoldIntervals = 5;

    private readonly ImCommand _command;
    private readonly string _segment;
    private readonly TimeProvider _time;
    private readonly ISharedRateBudget? _shared;
    private readonly ILogger _logger;
    private readonly double _ceiling;
    private readonly double _shareCeiling;
    private readonly long _second;
    private readonly Lock _gate = new();
    private readonly Queue<Waiter> _waiters = new();
    private readonly AdaptiveRate _rate;
    private readonly DepartureWindow _window;
    private readonly CancellationTokenSource _stopping = new();
    private long _next = long.MinValue / 2;
    private long _lastDeparture = long.MinValue / 2;
    private bool _pumping;
    private bool _onShare;

    /// <param name="command">The endpoint.</param>
    /// <param name="ceiling">The most calls per second (<c>ImApi:RequestsPerSecond</c>).</param>
    /// <param name="timeProvider">The clock of spacing, windows and regrowth.</param>
    /// <param name="logger">Where cuts are logged.</param>
    /// <param name="shared">The app's shared budget, or null for this process alone.</param>
    /// <param name="shareCeiling">The ceiling while <paramref name="shared"/> cannot be reached (this process's share).</param>
    public AdaptivePacer(ImCommand command, double ceiling, TimeProvider timeProvider, ILogger logger, ISharedRateBudget? shared = null, double? shareCeiling = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _command = command;
        _segment = ImCommandPaths.ToSegment(command);
        _time = timeProvider;
        _logger = logger;
        _shared = shared;
        _ceiling = ceiling;
        _shareCeiling = Math.Min(ceiling, shareCeiling ?? ceiling);
        _second = timeProvider.TimestampFrequency;
        _rate = new AdaptiveRate(ceiling, _second);
        _window = new DepartureWindow((int)Math.Ceiling(ceiling), _second);
    }

    /// <summary>The pace now, in calls per second.</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate.Current;
            }
        }
    }

    /// <summary>The ceiling now: the configured rate, or this process's share while the shared budget is unreachable.</summary>
    public double CurrentCeiling
    {
        get
        {
            lock (_gate)
            {
                return _rate.Ceiling;
            }
        }
    }

    /// <summary>Completes when the call may leave; callers are let go in the order they came.</summary>
    public ValueTask<PacedCall> WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        bool startPump;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_shared is null && !_pumping && _waiters.Count == 0)
            {
                var now = _time.GetTimestamp();
                if (EarliestDeparture(now) <= now)
                {
                    return ValueTask.FromResult(Depart(now));
                }
            }

            waiter = new Waiter();
            _waiters.Enqueue(waiter);
            startPump = !_pumping;
            _pumping = true;
        }

        waiter.CancelWith(cancellationToken);
        if (startPump)
        {
            _ = PumpAsync();
        }

        return new ValueTask<PacedCall>(waiter.Task);
    }

    /// <summary>A frequency-limit answer to <paramref name="call"/>: cut the pace, unless the call left before the last cut.</summary>
    public void OnFrequencyLimited(PacedCall call)
    {
        double before, after;
        lock (_gate)
        {
            // Calls sent before the last cut were sent at the old pace; their refusals are the same event.
            if (call.DepartedAt < _rate.LastCutAt)
            {
                return;
            }

            var now = _time.GetTimestamp();
            before = _rate.Current;
            _rate.Cut(now, _window.CountInWindow(now));
            after = _rate.Current;
            // And a pause, whatever this window holds: the API's window is over its limit by the calls that arrived
            // closer together than they left (a stall), which this window does not see. Without it a refusal after a
            // stall was often followed by a second one at once, and the pace halved for two seconds.
            _next = Math.Max(_next, now + (long)(HoldIntervals * _second / after));
        }

        Log.PaceCut(_logger, _segment, before, after);
        if (_shared is not null)
        {
            // The other processes draw from the same budget and meet the same full window: hold them back too. Not
            // awaited (the answer's handler must not wait for Redis); bounded by RateLimit:Redis:OperationTimeout.
            _ = _shared.HoldAsync(_command, CancellationToken.None).AsTask();
        }
    }

    /// <summary>A success: regrow the pace.</summary>
    public void OnSuccess(PacedCall call)
    {
        lock (_gate)
        {
            _rate.Grow(_time.GetTimestamp());
        }
    }

    public void Dispose()
    {
        List<Waiter> waiting;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            waiting = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiting)
        {
            waiter.Fail(new ObjectDisposedException(nameof(AdaptivePacer)));
        }

        _stopping.Dispose();
    }

    /// <summary>Lets the waiting callers go one by one, then ends; the next caller who has to wait starts it again.</summary>
    private async Task PumpAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                TimeSpan delay;
                lock (_gate)
                {
                    while (_waiters.TryPeek(out var head) && head.Task.IsCompleted)
                    {
                        _waiters.Dequeue();
                    }

                    if (_waiters.Count == 0)
                    {
                        _pumping = false;
                        return;
                    }

                    var now = _time.GetTimestamp();
                    var due = EarliestDeparture(now);
                    delay = due > now ? _time.GetElapsedTime(now, due) : TimeSpan.Zero;
                }

                if (delay > TimeSpan.Zero)
                {
                    // Re-checked after the delay: the pace may have changed meanwhile.
                    await DelayAsync(delay, token).ConfigureAwait(false);
                    continue;
                }

                if (_shared is not null)
                {
                    var take = await _shared.TakeAsync(_command, token).ConfigureAwait(false);
                    if (UseShare(!take.Available) && !take.Available)
                    {
                        // Now on this process's share: its lower pace decides when the next call may leave.
                        continue;
                    }

                    if (take.RetryAfter > TimeSpan.Zero)
                    {
                        await DelayAsync(take.RetryAfter, token).ConfigureAwait(false);
                        continue;
                    }
                }

                Waiter? granted = null;
                PacedCall call = default;
                lock (_gate)
                {
                    while (granted is null && _waiters.TryDequeue(out var waiter))
                    {
                        if (!waiter.Task.IsCompleted)
                        {
                            granted = waiter;
                        }
                    }

                    // Everyone gave up while a shared slot was taken: the slot is spent unused, which errs on the safe side.
                    if (granted is not null)
                    {
                        call = Depart(_time.GetTimestamp());
                    }
                }

                granted?.Grant(call);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Shutdown (the token), or a fault of the shared budget's client that it did not turn into a fallback:
            // nobody may wait forever, so every waiter gets the exception and the next caller starts a new pump.
            List<Waiter> waiting;
            lock (_gate)
            {
                waiting = [.. _waiters];
                _waiters.Clear();
                _pumping = false;
            }

            foreach (var waiter in waiting)
            {
                waiter.Fail(token.IsCancellationRequested ? new ObjectDisposedException(nameof(AdaptivePacer)) : exception);
            }
        }
    }

    /// <summary>
    /// Waits at least <paramref name="delay"/>, rounded up to whole milliseconds: timers count in milliseconds, and a
    /// sub-millisecond rest truncated to zero would have the pump spin until the clock moves on.
    /// </summary>
    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds)), _time, cancellationToken);

    /// <summary>Switches the ceiling between the full rate and this process's share; true when it changed.</summary>
    private bool UseShare(bool onShare)
    {
        lock (_gate)
        {
            if (onShare == _onShare)
            {
                return false;
            }

            _onShare = onShare;
            _rate.Ceiling = onShare ? _shareCeiling : _ceiling;
            return true;
        }
    }

    private long EarliestDeparture(long now)
    {
        var byWindow = _window.EarliestDeparture(now, (int)Math.Floor(_rate.Current));
        var bySpacing = _lastDeparture + (long)(_second / _rate.Current * MinSpacing);
        return Math.Max(Math.Max(now, _next), Math.Max(bySpacing, byWindow));
    }

    private PacedCall Depart(long now)
    {
        _window.Record(now);
        var interval = (long)(_second / _rate.Current);
        // The next slot is one interval after the one this departure used, however late it left (the debt is paid
        // back by the next ones, MinSpacing apart at the closest); after more than CatchUp intervals of lateness the
        // schedule starts again from now.
        _next = (now - _next <= (long)(CatchUp * interval) ? _next : now) + interval;
        _lastDeparture = now;
        return new PacedCall(_command, now);
    }

    private sealed class Waiter : TaskCompletionSource<PacedCall>
    {
        private CancellationTokenRegistration _registration;

        // Continuations run where the slot is granted, not queued to the thread pool: the departure is stamped at the
        // grant, and a trip through the pool's queue between the stamp and the request's write is time the stamps do
        // not see (tens of ms on a busy box), so calls stamped apart could reach the API together. The grant is made
        // outside the lock, so a caller's continuation can delay the pump but never block it.
        public Waiter()
            : base(TaskCreationOptions.None)
        {
        }

        public void CancelWith(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).TrySetCanceled(token), this);
            }
        }

        public void Grant(PacedCall call)
        {
            _registration.Dispose();
            TrySetResult(call);
        }

        public void Fail(Exception exception)
        {
            _registration.Dispose();
            TrySetException(exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, EventName = "PaceCut", Level = LogLevel.Information,
            Message = "Frequency limit on {Command}: pace cut from {Before:0.#} to {After:0.#} calls/s")]
        public static partial void PaceCut(ILogger logger, string command, double before, double after);
    }
}
