using TagWorker.ImApi;
using TagWorker.ImSimulator.Limits;

namespace TagWorker.ImSimulator.Stats;

/// <summary>The counters of every endpoint.</summary>
internal sealed class SimulatorStatistics
{
    private readonly Dictionary<ImCommand, EndpointCounters> _endpoints =
        Enum.GetValues<ImCommand>().ToDictionary(command => command, _ => new EndpointCounters());

    public EndpointCounters For(ImCommand command) => _endpoints[command];

    public SimulatorStats Snapshot(EndpointCallLimiters limiters)
    {
        var endpoints = _endpoints.ToDictionary(
            endpoint => ImCommandPaths.ToSegment(endpoint.Key),
            endpoint => endpoint.Value.Snapshot(limiters.For(endpoint.Key).PeakCallsInWindow),
            StringComparer.Ordinal);
        return new SimulatorStats(
            endpoints,
            endpoints.Values.Sum(stats => stats.Violations),
            endpoints.Values.Sum(stats => stats.InjectedFaults),
            endpoints.Values.Sum(stats => stats.Calls),
            endpoints.Values.Sum(stats => stats.Succeeded));
    }

    public void Reset()
    {
        foreach (var counters in _endpoints.Values)
        {
            counters.Reset();
        }
    }
}
