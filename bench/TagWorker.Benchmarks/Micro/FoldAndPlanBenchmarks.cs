using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using TagWorker.Benchmarks.Micro.Baseline;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Planning;

namespace TagWorker.Benchmarks.Micro;

/// <summary>
/// The merger's and planner's CPU cost: 1,000,000 events over 100,000 users folded into per-user changes, then
/// planned into requests at the API limits (100 users, 10 tags). Each benchmark counts the whole stream as
/// <see cref="EventCount"/> operations, so Op/s reads as events per second. The <c>Baseline</c> pair runs the fold as
/// shipped before its entry-array layout (<see cref="DictionaryTagChange"/>), so before and after come from one run on
/// one machine state. <see cref="FoldAndSteps"/> is the pipeline's own path: each user's fold frozen into its steps
/// (<see cref="BatchPlanner.StepsFor"/>), as <c>UserProgress</c> does when the user is packed.
/// </summary>
public class FoldAndPlanBenchmarks
{
    private const int EventCount = 1_000_000;
    private const int UserCount = 100_000;

    private readonly BatchPlanner _planner = new(maxUsersPerRequest: 100, maxTagsPerUserPerRequest: 10);
    private readonly BaselinePlanner _baselinePlanner = new(maxUsersPerRequest: 100, maxTagsPerUserPerRequest: 10);
    private BenchEvent[] _events = [];
    private Dictionary<string, UserTagChange> _folded = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = EventStreamGenerator.Generate(EventCount, UserCount, tagCount: 200, seed: 20261125);
        _folded = Fold();
        var baseline = _baselinePlanner.Plan(BaselineFold());
        var current = _planner.Plan(_folded);
        if (baseline.Count != current.Count || baseline.Sum(static r => r.Users.Count) != current.Sum(static r => r.Users.Count))
        {
            // Both folds must plan the same work, or the comparison says nothing.
            throw new InvalidOperationException($"baseline planned {baseline.Count} requests, the current fold {current.Count}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public object BaselineFoldAndPlan() => _baselinePlanner.Plan(BaselineFold());

    [Benchmark(OperationsPerInvoke = EventCount)]
    public IReadOnlyList<TagRequest> FoldAndPlan() => _planner.Plan(Fold());

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int FoldAndSteps()
    {
        var steps = 0;
        foreach (var change in Fold().Values)
        {
            steps += _planner.StepsFor(change).Count;
        }

        return steps;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public object BaselineFoldOnly() => BaselineFold();

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

    private Dictionary<string, DictionaryTagChange> BaselineFold()
    {
        var changes = new Dictionary<string, DictionaryTagChange>(UserCount, StringComparer.Ordinal);
        foreach (var e in _events)
        {
            ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(changes, e.User, out _);
            change ??= new DictionaryTagChange();
            change.Apply(e.Op, e.Tags);
        }

        return changes;
    }
}
