namespace TagWorker.ImSimulator;

/// <summary>
/// Counters of one endpoint since start or the last reset. <c>Calls = Succeeded + Failed + Violations</c>.
/// Mean users per successful call is <c>Users / Succeeded</c>.
/// </summary>
/// <param name="Calls">Every call that reached the endpoint, whatever its outcome.</param>
/// <param name="Succeeded">Calls answered <c>ErrorCode</c> 0.</param>
/// <param name="Failed">Calls that failed for any reason but the frequency limit: a non-zero code, HTTP 502 or a dropped connection.</param>
/// <param name="Violations">Calls refused by the frequency limit (60007).</param>
/// <param name="InjectedFaults">Calls whose outcome an injected fault decided (forced code, 91000, 502, dropped connection; not latency).</param>
/// <param name="Users">Accounts carried by successful calls.</param>
/// <param name="Tags">Tags carried by successful add and remove calls.</param>
/// <param name="PeakCallsInWindow">The most calls admitted in any one-second window (at most <see cref="SimulatorOptions.CallsPerSecond"/>).</param>
public sealed record EndpointStats(
    long Calls,
    long Succeeded,
    long Failed,
    long Violations,
    long InjectedFaults,
    long Users,
    long Tags,
    int PeakCallsInWindow);
