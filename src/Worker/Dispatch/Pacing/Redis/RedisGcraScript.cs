namespace TagWorker.Dispatch.Pacing.Redis;

/// <summary>
/// The shared budget's one Redis step, atomic because Redis runs a script alone: a GCRA with a sliding-second cap on
/// one key per endpoint and SDKAppID, on Redis's own clock (<c>TIME</c>), so the processes' clocks never have to agree.
/// </summary>
/// <remarks>
/// The key is a list of the slots taken, newest first, at most the cap long, each as <c>due:taken</c> (µs): when it
/// was due and when it was taken. The next slot is due one interval after the
/// newest's due time; a caller arriving then, or at most the catch-up allowance later, takes it, so a caller a little
/// late keeps the schedule; a caller may also take it a little early, so that the processes' coarse timers (they
/// wake up to a few ms late) land around the due time instead of always after it (three processes, only lateness
/// allowed: the busiest second held 95–96 calls of the 98; with half an interval early as well: 97–98). No slot is
/// given sooner than half an interval after the newest was taken: calls taken back to back by different processes
/// would arrive together, and at the edge of the API's window that is what overflows it. A caller later than the
/// allowance (the budget was idle) starts the schedule again from now, so idle time is never saved up into a burst.
/// And no slot is given while the cap-th newest was taken less than a window ago: as in the local pacer
/// (<see cref="DepartureWindow"/>), no sliding second holds more than the cap. A caller arriving too early is told
/// how long to wait, and takes nothing.
/// Numbers are written with <c>%.0f</c>: Lua 5.1 would print a µs timestamp in exponent form and lose digits.
/// </remarks>
internal static class RedisGcraScript
{
    /// <summary>
    /// KEYS[1]: the endpoint's key. ARGV[1]: the interval, µs. ARGV[2]: the catch-up allowance, µs. ARGV[3]: the most
    /// slots in any window (≥ 1). ARGV[4]: the window, µs. ARGV[5]: how early a slot may be taken, µs. Returns 0 (a
    /// slot was taken) or the µs to wait.
    /// </summary>
    public const string Source = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = tonumber(ARGV[1])
        local catchup = tonumber(ARGV[2])
        local cap = tonumber(ARGV[3])
        local window = tonumber(ARGV[4])
        local early = tonumber(ARGV[5])
        local newest = redis.call('LINDEX', KEYS[1], 0)
        local slot = now
        if newest then
          slot = tonumber(string.match(newest, '^(%d+)')) + interval
          if slot < now - catchup then
            slot = now
          end
        end
        local wait = slot - early - now
        if newest then
          local gap = tonumber(string.match(newest, ':(%d+)$')) + interval / 2 - now
          if gap > wait then
            wait = gap
          end
        end
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

    /// <summary>
    /// After a frequency-limit answer: books a slot <c>ARGV[1]</c> µs from now that no call uses, so that every
    /// process's next slot is one interval after it and the API's window drains meanwhile (it also takes one place in
    /// the window's cap for a second: on the safe side). Another process's hold that ends at least half as late
    /// already does it, so refusals that arrive together do not stack up. KEYS[1]: the endpoint's key. ARGV[1]: the
    /// hold, µs. ARGV[2]: the most slots in any window. ARGV[3]: the window, µs. ARGV[4]: the interval, µs.
    /// Returns 1 when it booked the hold, 0 when one was there.
    /// </summary>
    public const string HoldSource = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local hold = tonumber(ARGV[1])
        local cap = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local interval = tonumber(ARGV[4])
        local newest = redis.call('LINDEX', KEYS[1], 0)
        if newest and tonumber(string.match(newest, '^(%d+)')) >= now + hold / 2 then
          return 0
        end
        redis.call('LPUSH', KEYS[1], string.format('%.0f:%.0f', now + hold, now))
        redis.call('LTRIM', KEYS[1], 0, cap - 1)
        redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil((window + hold + interval) / 1000) + 1000))
        return 1
        """;
}
