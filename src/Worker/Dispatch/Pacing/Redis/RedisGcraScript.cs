namespace TagWorker.Dispatch.Pacing.Redis;

/// <summary>
/// The shared budget's one Redis step, atomic because Redis runs a script alone: a GCRA on one key per endpoint and
/// SDKAppID, on Redis's own clock (<c>TIME</c>), so the processes' clocks never have to agree.
/// </summary>
/// <remarks>
/// The key holds the time (µs) from which the next call may leave. A call arriving then, or at most the catch-up
/// allowance later, leaves and moves it one interval on from where it was: a caller a little late keeps the schedule.
/// A call later than that (the budget was idle) starts the schedule again from now, so idle time is never saved up
/// into a burst. Any one second thus holds at most rate × (1 + catch-up) + 1 calls. A call arriving early is told how
/// long to wait, and books nothing.
/// Numbers are written with <c>%.0f</c>: Lua 5.1 would print a µs timestamp in exponent form and lose digits.
/// </remarks>
internal static class RedisGcraScript
{
    /// <summary>KEYS[1]: the endpoint's key. ARGV[1]: the interval, µs. ARGV[2]: the catch-up allowance, µs. Returns 0 (taken) or the µs to wait.</summary>
    public const string Source = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = tonumber(ARGV[1])
        local catchup = tonumber(ARGV[2])
        local next = tonumber(redis.call('GET', KEYS[1]))
        if next == nil or next < now - catchup then
          next = now
        end
        if next > now then
          return math.ceil(next - now)
        end
        local after = next + interval
        redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', string.format('%.0f', math.ceil((after - now) / 1000) + 1000))
        return 0
        """;
}
