namespace TagWorker.ImSimulator;

/// <summary>Counters of the whole simulator since start or the last reset.</summary>
/// <param name="Endpoints">Per endpoint, keyed by command name (<c>im_add_tag</c>, <c>im_remove_tag</c>, <c>im_remove_all_tags</c>, <c>im_get_tag</c>); all four are always present.</param>
/// <param name="FrequencyViolations">Calls refused by the frequency limit, all endpoints together. The worker's goal is zero.</param>
/// <param name="InjectedFaults">Calls whose outcome an injected fault decided, all endpoints together.</param>
/// <param name="TotalCalls">Calls to all endpoints.</param>
/// <param name="TotalSucceeded">Successful calls to all endpoints.</param>
public sealed record SimulatorStats(
    IReadOnlyDictionary<string, EndpointStats> Endpoints,
    long FrequencyViolations,
    long InjectedFaults,
    long TotalCalls,
    long TotalSucceeded);
