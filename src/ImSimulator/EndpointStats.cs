namespace TagWorker.ImSimulator;

/// <summary>
/// Counters of one endpoint since start or the last reset. <c>Calls = Succeeded + Failed + Violations</c>.
/// Mean users per successful call is <c>Users / Succeeded</c>.
/// </summary>
/// <param name="Calls">Every call that reached the endpoint, whatever its outcome.</param>
/// <param name="Succeeded">Calls answered <c>ErrorCode</c> 0.</param>
/// <param name="Failed">Calls that failed for any reason but the frequency limit: a non-zero code, HTTP 502 or a dropped connection.</param>
/// <param name="Violations">Calls refused by the frequency limit (60007).</param>
/// <param name="InjectedFaults">Calls whose outcome an injected fault decided (forced code, 91000, 502, dropped connection, lost response; not latency).</param>
/// <param name="Users">Accounts carried by successful calls.</param>
/// <param name="Tags">Tags carried by successful add and remove calls.</param>
/// <param name="PeakCallsInWindow">The most calls admitted in any one-second window (at most the endpoint's limit at the time).</param>
/// <param name="LostResponses">Calls processed in full (their change applied) and then left without a response; counted in <paramref name="Failed"/> and <paramref name="InjectedFaults"/>.</param>
public sealed record EndpointStats(
    long Calls,
    long Succeeded,
    long Failed,
    long Violations,
    long InjectedFaults,
    long Users,
    long Tags,
    int PeakCallsInWindow,
    long LostResponses = 0);
