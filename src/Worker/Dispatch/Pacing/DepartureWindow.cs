namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// The last departures of one endpoint (timestamps, oldest overwritten first), to keep any sliding one-second window
/// at or under a count, the way the API counts. Spacing alone does not do that right after a cut: the window still
/// holds the calls sent at the old pace, and each call sent before enough of them left it would be refused too.
/// Not thread-safe: <see cref="AdaptivePacer"/> calls it under its lock.
/// </summary>
internal sealed class DepartureWindow
{
    private readonly long[] _departures;
    private readonly long _window;
    private int _next;
    private int _count;

    /// <param name="capacity">The largest count ever asked of <see cref="EarliestDeparture"/> (the ceiling rate).</param>
    /// <param name="window">The window's length in timestamp ticks.</param>
    public DepartureWindow(int capacity, long window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _departures = new long[capacity];
        _window = window;
    }

    public void Record(long departedAt)
    {
        _departures[_next] = departedAt;
        _next = (_next + 1) % _departures.Length;
        _count = Math.Min(_count + 1, _departures.Length);
    }

    /// <summary>
    /// The earliest time from <paramref name="now"/> on at which one more departure keeps every window at or under
    /// <paramref name="limit"/> calls: once the <paramref name="limit"/>-th latest departure is a whole window old
    /// (windows are half-open, as the API's are).
    /// </summary>
    public long EarliestDeparture(long now, int limit)
    {
        limit = Math.Clamp(limit, 1, _departures.Length);
        if (_count < limit)
        {
            return now;
        }

        return Math.Max(now, Latest(limit) + _window);
    }

    /// <summary>Departures in the window that ends at <paramref name="now"/>.</summary>
    public int CountInWindow(long now)
    {
        var count = 0;
        while (count < _count && now - Latest(count + 1) < _window)
        {
            count++;
        }

        return count;
    }

    /// <summary>The <paramref name="n"/>-th latest departure (1 = the latest).</summary>
    private long Latest(int n) => _departures[(_next - n + _departures.Length) % _departures.Length];
}
