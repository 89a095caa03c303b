namespace TagWorker.Dispatch.Pacing.Redis;

/// <summary>
/// The shared budget's one Redis step, atomic because Redis runs a script alone: a GCRA with a sliding-second cap on
/// one key per endpoint and SDKAppID, on Redis's own clock (<c>TIME</c>), so the processes' clocks never have to agree.
/// </summary>
/// <remarks>
/// The key is a list of the slots taken, newest first, at most the cap long, each as <c>due:taken</c> (µs): when it
/// was due and when it was taken (later, by up to the catch-up allowance). The next slot is due one interval after the
/// newest's due time; a caller arriving then, or at most the catch-up allowance later, takes it, so a caller a little
/// late keeps the schedule. A caller later than that (the budget was idle) starts the schedule again from now, so idle time is
/// never saved up into a burst. And no slot is given while the cap-th newest was taken less than a window ago: as in the
/// local pacer (<see cref="DepartureWindow"/>), no sliding second holds more than the cap, whatever the lateness of
/// the callers and the catch-up it allows. A caller arriving early is told how long to wait, and takes nothing.
/// Numbers are written with <c>%.0f</c>: Lua 5.1 would print a µs timestamp in exponent form and lose digits.
/// </remarks>
internal static class RedisGcraScript
{
    /// <summary>
    /// KEYS[1]: the endpoint's key. ARGV[1]: the interval, µs. ARGV[2]: the catch-up allowance, µs. ARGV[3]: the most
    /// slots in any window (≥ 1). ARGV[4]: the window, µs. Returns 0 (a slot was taken) or the µs to wait.
    /// </summary>
    public const string Source = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = tonumber(ARGV[1])
        local catchup = tonumber(ARGV[2])
        local cap = tonumber(ARGV[3])
        local window = tonumber(ARGV[4])
        local newest = redis.call('LINDEX', KEYS[1], 0)
        local slot = now
        if newest then
          slot = tonumber(string.match(newest, '^(%d+)')) + interval
          if slot < now - catchup then
            slot = now
          end
        end
        local wait = slot - now
        local oldest = redis.call('LINDEX', KEYS[1], cap - 1)
        if oldest then
          local free = tonumber(string.match(oldest, ':(%d+)$')) + window - now
          if free > wait then
            wait = free
          end
        end
        if wait > 0 then
          return math.ceil(wait)
        end
        redis.call('LPUSH', KEYS[1], string.format('%.0f:%.0f', slot, now))
        redis.call('LTRIM', KEYS[1], 0, cap - 1)
        redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil((window + interval) / 1000) + 1000))
        return 0
        """;
}
