using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Dispatch.Pacing.Redis;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.EndToEnd.Tests.SharedBudget;

/// <summary>
/// Three production worker hosts (in this process, each on its own local queue) against one simulator at the vendor's
/// 100 calls/s per endpoint, sharing one budget in a real redis-server. For three worker processes and the figures,
/// see the bench's <c>shared-budget</c> verb.
/// </summary>
[Collection(typeof(SharedBudgetCollection))]
public sealed class SharedBudgetEndToEndTests
{
    private const int Workers = 3;
    private const int MessagesPerWorker = 1_000;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeWorkers_SharedBudget_StayWithinTheLimitTogetherAndUseIt_AndWithRedisStoppedEachKeepsToItsShare()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var simulator = await ImSimulatorApp.StartAsync(
            new SimulatorOptions { Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(5), LatencyJitter = TimeSpan.FromMilliseconds(5), Seed = 3 } }, Ct);
        var directory = Directory.CreateTempSubdirectory("tagworker-shared-budget-e2e-").FullName;
        var workers = new List<IHost>();
        try
        {
            for (var worker = 0; worker < Workers; worker++)
            {
                var host = BuildWorker(simulator, redis, Path.Combine(directory, $"queue-{worker}.db"));
                workers.Add(host);
                await EnqueueDistinctUserAddsAsync(host, worker, MessagesPerWorker);
            }

            foreach (var worker in workers)
            {
                await worker.StartAsync(Ct);
            }

            // Shared: together at the app's budget, never over the API's limit.
            await Task.WhenAll(workers.Select(worker => Metrics(worker).WhenSettled(SettlementOutcomes.Completed, 300))).WaitAsync(Wait, Ct);
            var shared = simulator.SnapshotStats();
            var sharedWhileRedisRan = workers.All(worker => Budget(worker).IsShared);

            // Redis stopped: each process falls back to its share (98 / 3) and all of them stay within the limit.
            await redis.StopAsync();
            simulator.Reset();
            var completedAtStop = workers.Select(worker => Metrics(worker).Settled(SettlementOutcomes.Completed)).ToList();
            await Task.WhenAll(workers.Select((worker, i) => Metrics(worker).WhenSettled(SettlementOutcomes.Completed, completedAtStop[i] + 100))).WaitAsync(Wait, Ct);
            var stopped = simulator.SnapshotStats();

            Assert.True(sharedWhileRedisRan);
            Assert.Equal(0, shared.FrequencyViolations);
            Assert.InRange(shared.Endpoints[ImCommandPaths.AddTag].PeakCallsInWindow, 97, 100);
            Assert.Equal(0, stopped.FrequencyViolations);
            Assert.InRange(stopped.Endpoints[ImCommandPaths.AddTag].PeakCallsInWindow, 1, 100);
            Assert.All(workers, worker =>
            {
                Assert.False(Budget(worker).IsShared);
                Assert.Equal(98.0 / Workers, Limiter(worker).CurrentCeiling(ImCommand.AddTag), precision: 6);
            });
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.StopAsync(CancellationToken.None);
                worker.Dispose();
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A pooled SQLite handle may linger a moment; the temp folder is cleaned by the OS.
            }
        }
    }

    private static IHost BuildWorker(RunningSimulator simulator, RedisServer redis, string queuePath)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Source"] = "Local",
            ["LocalQueue:Path"] = queuePath,
            ["LocalQueue:PollInterval"] = "00:00:00.020",
            ["Simulator:Embedded"] = "false",
            ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["ImApi:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["ImApi:AdminIdentifier"] = simulator.Options.AdminIdentifier,
            ["ImApi:SecretKey"] = simulator.Options.SecretKey,
            ["Batching:MaxBatchDelay"] = "00:00:00.020",
            ["RateLimit:Mode"] = "Redis",
            ["RateLimit:Redis:ConnectionString"] = redis.ConnectionString,
            ["RateLimit:Replicas"] = Workers.ToString(CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        var builder = TagWorkerHost.CreateBuilder([], settings);
        builder.AddTagWorker();
        return builder.Build();
    }

    /// <summary>Events of 100 users each, every user new: each event is one full <c>im_add_tag</c> call.</summary>
    private static Task EnqueueDistinctUserAddsAsync(IHost worker, int index, int messages)
    {
        var at = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var bodies = Enumerable.Range(0, messages)
            .Select(message => (ReadOnlyMemory<byte>)TagChangeEventSerializer.SerializeToUtf8Bytes(TagChangeEvents.Add(
                $"w{index}e{message}",
                at,
                [.. Enumerable.Range(message * 100, 100).Select(user => $"w{index}u{user}")],
                ["t"])))
            .ToList();
        return worker.Services.GetRequiredService<ITagEventWriter>().EnqueueAsync(bodies, Ct);
    }

    private static TagWorkerMetrics Metrics(IHost worker) => worker.Services.GetRequiredService<TagWorkerMetrics>();

    private static RedisSharedRateBudget Budget(IHost worker) => worker.Services.GetRequiredService<RedisSharedRateBudget>();

    private static AdaptiveEndpointRateLimiter Limiter(IHost worker) =>
        (AdaptiveEndpointRateLimiter)worker.Services.GetRequiredService<IEndpointRateLimiter>();
}
