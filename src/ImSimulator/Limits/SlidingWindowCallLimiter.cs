namespace TagWorker.ImSimulator.Limits;

/// <summary>
/// Admits at most <c>limit</c> calls in any sliding window of <c>window</c> length: the strictest reading of the vendor's
/// "100 calls per second". A window is half-open, so a call exactly one window after an earlier one no longer sees it.
/// Rejected calls do not occupy the window.
/// </summary>
/// <remarks>
/// Hand-written rather than System.Threading.RateLimiting's SlidingWindowRateLimiter: that one approximates the window
/// with fixed segments (so some one-second spans can hold more than the limit) and runs on its own timer instead of a
/// <see cref="TimeProvider"/>, which tests need to drive.
/// </remarks>
internal sealed class SlidingWindowCallLimiter
{
    private int _limit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _timeProvider;
    private readonly Queue<long> _accepted;
    private readonly Lock _gate = new();
    private int _peak;

    public SlidingWindowCallLimiter(int limit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _limit = limit;
        _window = window;
        _timeProvider = timeProvider;
        _accepted = new Queue<long>(limit);
    }

    /// <summary>
    /// The calls admitted per window. Changing it takes effect on the next call; lowering it below what the window
    /// holds refuses calls until enough of them left it, as a server whose limit was cut would.
    /// </summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (_gate)
            {
                _limit = value;
            }
        }
    }

    /// <summary>The most calls ever admitted within one window since the last <see cref="Reset"/>.</summary>
    public int PeakCallsInWindow
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>Admits the call if the window ending now holds fewer than the limit; otherwise refuses it.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            // Read the clock inside the lock so that the queue stays in time order.
            var now = _timeProvider.GetTimestamp();
            while (_accepted.Count > 0 && _timeProvider.GetElapsedTime(_accepted.Peek(), now) >= _window)
            {
                _accepted.Dequeue();
            }

            if (_accepted.Count >= _limit)
            {
                return false;
            }

            _accepted.Enqueue(now);
            _peak = Math.Max(_peak, _accepted.Count);
            return true;
        }
    }

    /// <summary>Forgets every admitted call and the peak.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _accepted.Clear();
            _peak = 0;
        }
    }
}
