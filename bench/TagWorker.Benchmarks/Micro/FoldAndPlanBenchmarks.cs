using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Planning;

namespace TagWorker.Benchmarks.Micro;

/// <summary>
/// The merger's and planner's CPU cost: 1,000,000 events over 100,000 users folded into per-user changes, then
/// planned into requests at the API limits (100 users, 10 tags). Each benchmark counts the whole stream as
/// <see cref="EventCount"/> operations, so Op/s reads as events per second.
/// </summary>
public class FoldAndPlanBenchmarks
{
    private const int EventCount = 1_000_000;
    private const int UserCount = 100_000;

    private readonly BatchPlanner _planner = new(maxUsersPerRequest: 100, maxTagsPerUserPerRequest: 10);
    private BenchEvent[] _events = [];
    private Dictionary<string, UserTagChange> _folded = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = EventStreamGenerator.Generate(EventCount, UserCount, tagCount: 200, seed: 20261125);
        _folded = Fold();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public IReadOnlyList<TagRequest> FoldAndPlan() => _planner.Plan(Fold());

    [Benchmark(OperationsPerInvoke = EventCount)]
    public Dictionary<string, UserTagChange> FoldOnly() => Fold();

    [Benchmark(OperationsPerInvoke = EventCount)]
    public IReadOnlyList<TagRequest> PlanOnly() => _planner.Plan(_folded);

    private Dictionary<string, UserTagChange> Fold()
    {
        var changes = new Dictionary<string, UserTagChange>(UserCount, StringComparer.Ordinal);
        foreach (var e in _events)
        {
            ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(changes, e.User, out _);
            change ??= new UserTagChange();
            change.Apply(e.Op, e.Tags);
        }

        return changes;
    }
}
