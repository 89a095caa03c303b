using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TagWorker.Dispatch;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Settlement;

namespace TagWorker.EndToEnd.Tests;

public sealed class WorkerEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_RandomStreamUnderInjectedFaults_StateEqualsModelAndEveryMessageCompleted()
    {
        var faults = new FaultOptions
        {
            ErrorRate91000 = 0.20,
            Http502Rate = 0.05,
            DropConnectionRate = 0.03,
            Latency = TimeSpan.FromMilliseconds(2),
            LatencyJitter = TimeSpan.FromMilliseconds(2),
            Seed = 42,
        };
        await using var run = await WorkerRun.StartAsync(faults, Ct);
        using var worker = run.BuildWorker();
        await run.EnqueueAsync(worker, WorkerRun.Stream(seed: 11, events: 3_000, users: 300), Ct);

        await worker.StartAsync(Ct);
        await WorkerRun.Metrics(worker).WhenSettled(SettlementOutcomes.Completed, 3_000).WaitAsync(Wait, Ct);
        await worker.StopAsync(Ct);

        Assert.Empty(run.Model.Differences(run.Simulator.SnapshotState()));
        var stats = run.Simulator.SnapshotStats();
        Assert.Equal(0, stats.FrequencyViolations);
        Assert.True(stats.InjectedFaults > 0, "the run must have met injected faults");
        Assert.True(WorkerRun.Metrics(worker).Retries > 0);
        Assert.Equal(0, WorkerRun.Metrics(worker).Settled(SettlementOutcomes.DeadLettered));
        var counts = await WorkerRun.Queue(worker).GetCountsAsync(Ct);
        Assert.Equal((0L, 0L, 0L), (counts.Active, counts.Leased, counts.DeadLettered));
    }

    [Fact]
    public async Task Worker_InvalidMessagesAmongValid_DeadLettersOnlyThemWithReasonAndField()
    {
        await using var run = await WorkerRun.StartAsync(new FaultOptions(), Ct);
        using var worker = run.BuildWorker();
        await run.EnqueueAsync(worker, WorkerRun.Stream(seed: 3, events: 100, users: 20), Ct);
        await WorkerRun.EnqueueRawAsync(worker, [
            Encoding.UTF8.GetBytes("{\"version\":1,\"eventId\":\"bad-1\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"op\":\"add\",\"users\":[\"user000001\"],\"tags\":[\"" + new string('标', 17) + "\"]}"),
            Encoding.UTF8.GetBytes("{\"version\":1,\"eventId\":\"bad-2\",\"op\":\"add\",\"users\":[\"user000001\"],\"tags\":[\"vip\""),
        ], Ct);
        await run.EnqueueAsync(worker, WorkerRun.Stream(seed: 4, events: 100, users: 20), Ct);

        await worker.StartAsync(Ct);
        var metrics = WorkerRun.Metrics(worker);
        await Task.WhenAll(
            metrics.WhenSettled(SettlementOutcomes.Completed, 200),
            metrics.WhenSettled(SettlementOutcomes.DeadLettered, 2)).WaitAsync(Wait, Ct);
        await worker.StopAsync(Ct);

        Assert.Empty(run.Model.Differences(run.Simulator.SnapshotState()));
        var deadLetters = await WorkerRun.Queue(worker).ReadDeadLettersAsync(10, Ct);
        Assert.Equal(2, deadLetters.Count);
        Assert.All(deadLetters, d => Assert.Equal(DeadLetterReasons.InvalidEvent, d.Reason));
        Assert.Contains(deadLetters, d => d.Description.Contains("tags[0]", StringComparison.Ordinal) && d.Description.Contains("51", StringComparison.Ordinal));
        Assert.Contains(deadLetters, d => d.Description.Contains("JSON", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Worker_ConfigurationFault_OpensCircuitDeadLettersNothingAndRecoversWhenFixed()
    {
        await using var run = await WorkerRun.StartAsync(new FaultOptions { ForcedErrorCode = ImErrorCodes.AdministratorRequired }, Ct);
        using var worker = run.BuildWorker();
        await run.EnqueueAsync(worker, WorkerRun.Stream(seed: 5, events: 200, users: 40), Ct);
        var circuit = worker.Services.GetRequiredService<ConfigurationFaultCircuit>();
        var metrics = WorkerRun.Metrics(worker);

        await worker.StartAsync(Ct);
        await circuit.WhenOpened.WaitAsync(Wait, Ct);
        var health = await worker.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains(TagWorkerHostingExtensions.ReadyTag), Ct);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        await metrics.WhenSettled(SettlementOutcomes.Abandoned, 1).WaitAsync(Wait, Ct);

        run.Simulator.Faults = new FaultOptions();
        await metrics.WhenSettled(SettlementOutcomes.Completed, 200).WaitAsync(Wait, Ct);
        await worker.StopAsync(Ct);

        Assert.False(circuit.IsOpen);
        Assert.Equal(0, metrics.Settled(SettlementOutcomes.DeadLettered));
        Assert.Empty(run.Model.Differences(run.Simulator.SnapshotState()));
        var counts = await WorkerRun.Queue(worker).GetCountsAsync(Ct);
        Assert.Equal(0, counts.DeadLettered);
    }

    [Fact]
    public async Task Worker_StoppedMidRunAndRestarted_LosesNothingAndEndsEqualToModel()
    {
        var faults = new FaultOptions { ErrorRate91000 = 0.05, Latency = TimeSpan.FromMilliseconds(5), Seed = 9 };
        await using var run = await WorkerRun.StartAsync(faults, Ct);
        long completedBefore;
        // A small intake window so that stopping leaves most of the stream on the queue for the second worker.
        var settings = new Dictionary<string, string?> { ["LocalQueue:MaxConcurrentMessages"] = "200", ["LocalQueue:ReceiveBatchSize"] = "50" };
        using (var first = run.BuildWorker(settings))
        {
            await run.EnqueueAsync(first, WorkerRun.Stream(seed: 21, events: 4_000, users: 400), Ct);
            await first.StartAsync(Ct);
            await WorkerRun.Metrics(first).WhenSettled(SettlementOutcomes.Completed, 300).WaitAsync(Wait, Ct);
            await first.StopAsync(Ct);
            completedBefore = WorkerRun.Metrics(first).Settled(SettlementOutcomes.Completed);
            Assert.Equal(0, WorkerRun.Metrics(first).Settled(SettlementOutcomes.DeadLettered));
        }

        Assert.InRange(completedBefore, 300, 3_999);
        using var second = run.BuildWorker(settings);
        await second.StartAsync(Ct);
        await WorkerRun.Metrics(second).WhenSettled(SettlementOutcomes.Completed, 4_000 - completedBefore).WaitAsync(Wait, Ct);
        await second.StopAsync(Ct);

        Assert.Empty(run.Model.Differences(run.Simulator.SnapshotState()));
        var counts = await WorkerRun.Queue(second).GetCountsAsync(Ct);
        Assert.Equal((0L, 0L, 0L), (counts.Active, counts.Leased, counts.DeadLettered));
    }
}
