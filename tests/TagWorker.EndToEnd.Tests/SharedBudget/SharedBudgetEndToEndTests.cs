using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Dispatch.Pacing.Redis;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Telemetry;

namespace TagWorker.EndToEnd.Tests.SharedBudget;

/// <summary>
/// Three workers' dispatch stages (each its own container from the production registration: IM client, pacer,
/// dispatcher) in this process, kept saturated with 100-user adds, against one simulator at the vendor's 100 calls/s
/// per endpoint, sharing one budget in a real redis-server. Three worker processes, with their whole pipelines, are the
/// bench's <c>shared-budget</c> verb.
/// </summary>
[Collection(typeof(SharedBudgetTestGroup))]
public sealed class SharedBudgetEndToEndTests
{
    private const int Workers = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeWorkers_SharedBudget_StayWithinTheLimitTogetherAndUseIt_AndWithRedisStoppedEachKeepsToItsShare()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var simulator = await ImSimulatorApp.StartAsync(
            new SimulatorOptions { Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(20), LatencyJitter = TimeSpan.FromMilliseconds(10), Seed = 3 } }, Ct);
        await using var workers = new SaturatedDispatchers(Workers, worker => Settings(simulator, redis, worker));

        // Warm-up: the three containers start at once and JIT-compile the HTTP stack at once, which holds back the
        // first calls after they took their slots and then sends them together; counting starts after it.
        await workers.WhenCompletedAsync(100).WaitAsync(Wait, Ct);
        simulator.Reset();

        // Shared: together at the app's budget, never over the API's limit.
        await workers.WhenCompletedAsync(workers.Completed + 900).WaitAsync(Wait, Ct);
        var shared = simulator.SnapshotStats();
        var sharedWhileRedisRan = workers.Budgets.All(budget => budget.IsShared);

        // Redis stopped: each process falls back to its share (98 / 3) and all of them stay within the limit.
        await redis.StopAsync();
        simulator.Reset();
        await workers.WhenCompletedAsync(workers.Completed + 300).WaitAsync(Wait, Ct);
        var stopped = simulator.SnapshotStats();

        Assert.True(sharedWhileRedisRan);
        Assert.Equal(0, shared.FrequencyViolations);
        Assert.InRange(shared.Endpoints[ImCommandPaths.AddTag].PeakCallsInWindow, 97, 100);
        Assert.Equal(0, stopped.FrequencyViolations);
        Assert.All(workers.Budgets, budget => Assert.False(budget.IsShared));
        Assert.All(workers.Limiters, limiter => Assert.Equal(98.0 / Workers, limiter.CurrentCeiling(ImCommand.AddTag), precision: 6));
    }

    private static Dictionary<string, string?> Settings(RunningSimulator simulator, RedisServer redis, int worker) => new()
    {
        ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
        ["ImApi:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
        ["ImApi:AdminIdentifier"] = simulator.Options.AdminIdentifier,
        ["ImApi:SecretKey"] = simulator.Options.SecretKey,
        ["RateLimit:Mode"] = "Redis",
        ["RateLimit:Redis:ConnectionString"] = redis.ConnectionString,
        ["RateLimit:Replicas"] = Workers.ToString(CultureInfo.InvariantCulture),
        ["Worker"] = worker.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Each worker's dispatch stage with as many loops as it may have calls in flight, each sending adds of new users.</summary>
    private sealed class SaturatedDispatchers : IAsyncDisposable
    {
        private readonly List<ServiceProvider> _containers = [];
        private readonly List<Task> _loops = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
        private long _completed;

        public SaturatedDispatchers(int workers, Func<int, Dictionary<string, string?>> settings)
        {
            for (var worker = 0; worker < workers; worker++)
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings(worker)).Build();
                var services = new ServiceCollection();
                services.AddSingleton<IConfiguration>(configuration);
                services.AddLogging();
                services.AddMetrics();
                services.AddSingleton<TagWorkerMetrics>();
        services.AddSingleton<TagWorkerActivitySource>();
                services.AddSingleton<TagWorkerActivitySource>();
                services.AddImApiClient();
                services.AddDispatch();
                var container = services.BuildServiceProvider();
                _containers.Add(container);
                var dispatcher = container.GetRequiredService<RequestDispatcher>();
                var loops = container.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImApiOptions>>().Value.MaxConcurrentRequests;
                for (var loop = 0; loop < loops; loop++)
                {
                    var name = $"w{worker}l{loop}";
                    _loops.Add(Task.Run(() => RunAsync(dispatcher, name)));
                }
            }
        }

        public long Completed => Interlocked.Read(ref _completed);

        public IEnumerable<RedisSharedRateBudget> Budgets => _containers.Select(container => container.GetRequiredService<RedisSharedRateBudget>());

        public IEnumerable<AdaptiveEndpointRateLimiter> Limiters => _containers.Select(container => (AdaptiveEndpointRateLimiter)container.GetRequiredService<IEndpointRateLimiter>());

        /// <summary>Completes once all workers together have had <paramref name="count"/> requests applied.</summary>
        public Task WhenCompletedAsync(long count)
        {
            lock (_gate)
            {
                if (_completed >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Task.WhenAll(_loops);
            }
            catch (OperationCanceledException)
            {
                // Stopping is the end of the run.
            }

            foreach (var container in _containers)
            {
                await container.DisposeAsync();
            }

            _stop.Dispose();
        }

        private async Task RunAsync(RequestDispatcher dispatcher, string name)
        {
            for (var request = 0L; !_stop.IsCancellationRequested; request++)
            {
                var users = Enumerable.Range(0, 100).Select(user => new UserTags($"{name}r{request}u{user}", ["t"])).ToArray();
                var outcomes = await dispatcher.DispatchAsync(new TagRequest(ImCommand.AddTag, users), _stop.Token);
                if (outcomes.All(outcome => outcome.Kind == UserOutcomeKind.Applied))
                {
                    CountCompleted();
                }
            }
        }

        private void CountCompleted()
        {
            lock (_gate)
            {
                _completed++;
                foreach (var waiter in _waiters.Where(waiter => waiter.Count <= _completed).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }
}
