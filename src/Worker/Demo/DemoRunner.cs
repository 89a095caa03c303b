using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Demo;

/// <summary>
/// The <c>demo</c> verb: the whole job on embedded defaults. A fresh local durable queue, the IM simulator in-process
/// with faults on, N synthetic events enqueued, the real worker host run until every message is settled, then a
/// summary and the check that the simulator's tag state equals the model's.
/// </summary>
public sealed class DemoRunner(DemoSettings settings, string[] configurationArgs, TextWriter output)
{
    private static readonly ImCommand[] Endpoints = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var queuePath = Path.Combine(Path.GetTempPath(), $"tagworker-demo-{Guid.NewGuid():N}.db");
        try
        {
            return await RunCoreAsync(queuePath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(queuePath + suffix);
            }
        }
    }

    private async Task<int> RunCoreAsync(string queuePath, CancellationToken cancellationToken)
    {
        var builder = TagWorkerHost.CreateBuilder(configurationArgs, DemoConfiguration(queuePath));
        builder.AddTagWorker();
        using var host = builder.Build();
        var services = host.Services;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var metrics = services.GetRequiredService<TagWorkerMetrics>();
        var simulator = services.GetRequiredService<EmbeddedSimulator>().Running;
        var apiOptions = services.GetRequiredService<IOptions<ImApiOptions>>().Value;

        output.WriteLine($"TagWorker demo: {settings.Events:N0} events over {settings.Users:N0} users (+{settings.InvalidEvents} invalid), simulator at {simulator.BaseAddress} "
            + $"with {settings.ErrorRate91000:P0} 91000, {settings.Http502Rate:P0} HTTP 502, {settings.Latency.TotalMilliseconds:0} ms latency, {settings.CallsPerSecond} calls/s per endpoint; worker budget {apiOptions.RequestsPerSecond} calls/s per endpoint.");

        var model = new TagStateModel();
        var total = await EnqueueAsync(services.GetRequiredService<ITagEventWriter>(), model, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Enqueued {total:N0} messages on the local durable queue.");

        var started = timeProvider.GetTimestamp();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var samples = new List<Sample>();
        var finished = await WaitForAllSettledAsync(metrics, simulator, total, started, timeProvider, samples, cancellationToken).ConfigureAwait(false);
        var elapsed = timeProvider.GetElapsedTime(started);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);

        var differences = model.Differences(simulator.SnapshotState());
        WriteSummary(metrics, simulator.SnapshotStats(), apiOptions, total, model.UserCount, elapsed, finished, differences, samples);
        return finished && differences.Count == 0 ? 0 : 1;
    }

    private Dictionary<string, string?> DemoConfiguration(string queuePath) => new()
    {
        ["Source"] = "Local",
        ["LocalQueue:Path"] = queuePath,
        ["Simulator:Embedded"] = "true",
        ["Simulator:CallsPerSecond"] = settings.CallsPerSecond.ToString(CultureInfo.InvariantCulture),
        ["Simulator:Faults:ErrorRate91000"] = settings.ErrorRate91000.ToString(CultureInfo.InvariantCulture),
        ["Simulator:Faults:Http502Rate"] = settings.Http502Rate.ToString(CultureInfo.InvariantCulture),
        ["Simulator:Faults:Latency"] = settings.Latency.ToString("c", CultureInfo.InvariantCulture),
        ["Simulator:Faults:LatencyJitter"] = (settings.Latency / 2).ToString("c", CultureInfo.InvariantCulture),
        ["Simulator:Faults:Seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    private async Task<int> EnqueueAsync(ITagEventWriter writer, TagStateModel model, CancellationToken cancellationToken)
    {
        var generator = new SyntheticEventGenerator(settings.Seed, settings.Users, settings.TagAlphabet, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var invalidEvery = settings.InvalidEvents > 0 ? Math.Max(1, settings.Events / settings.InvalidEvents) : int.MaxValue;
        var batch = new List<ReadOnlyMemory<byte>>(5_000);
        var total = 0;
        var invalid = 0;
        for (var i = 0; i < settings.Events; i++)
        {
            var tagEvent = generator.Next();
            model.Apply(tagEvent);
            batch.Add(TagChangeEventSerializer.SerializeToUtf8Bytes(tagEvent));
            if (i % invalidEvery == invalidEvery / 2 && invalid < settings.InvalidEvents)
            {
                invalid++;
                // A tag of 51 UTF-8 bytes (17 three-byte characters): over the API's 50-byte limit.
                batch.Add(Encoding.UTF8.GetBytes($$"""{"version":1,"eventId":"invalid-{{i}}","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["{{SyntheticEventGenerator.Account(0)}}"],"tags":["{{new string('标', 17)}}"]}"""));
            }

            if (batch.Count >= 5_000)
            {
                total += batch.Count;
                await writer.EnqueueAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        total += batch.Count;
        await writer.EnqueueAsync(batch, cancellationToken).ConfigureAwait(false);
        return total;
    }

    private async Task<bool> WaitForAllSettledAsync(TagWorkerMetrics metrics, RunningSimulator simulator, int total, long started, TimeProvider timeProvider, List<Sample> samples, CancellationToken cancellationToken)
    {
        var progress = new DemoProgress(output, settings.RedrawProgress, settings.ProgressLineInterval);
        while (true)
        {
            var settled = metrics.Settled(SettlementOutcomes.Completed) + metrics.Settled(SettlementOutcomes.DeadLettered);
            var elapsed = timeProvider.GetElapsedTime(started);
            samples.Add(new Sample(elapsed, metrics.MessagesReceived, [.. Endpoints.Select(metrics.Calls)]));
            if (settings.Progress)
            {
                var calls = simulator.SnapshotStats().Endpoints.Values.Sum(static e => e.Calls);
                progress.Report(elapsed, settled, total, calls, metrics.Retries, metrics.Settled(SettlementOutcomes.DeadLettered));
            }

            if (settled >= total)
            {
                progress.Complete();
                return true;
            }

            if (elapsed > settings.Timeout)
            {
                progress.Complete();
                output.WriteLine($"Timed out after {settings.Timeout} with {settled:N0} of {total:N0} messages settled.");
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Calls per second of one endpoint while a backlog existed: from its first call until the last message was taken
    /// off the queue (after that the pipeline only drains what it holds, and the rate falls with the work left).
    /// </summary>
    private static double BacklogRate(List<Sample> samples, int endpoint, int total)
    {
        var start = samples.FindIndex(s => s.Calls[endpoint] > 0);
        var end = samples.FindIndex(s => s.Received >= total);
        if (start < 0 || end <= start)
        {
            return 0;
        }

        return (samples[end].Calls[endpoint] - samples[start].Calls[endpoint]) / (samples[end].Elapsed - samples[start].Elapsed).TotalSeconds;
    }

    private readonly record struct Sample(TimeSpan Elapsed, long Received, long[] Calls);

    private void WriteSummary(TagWorkerMetrics metrics, SimulatorStats stats, ImApiOptions apiOptions, int total, int users, TimeSpan elapsed, bool finished, IReadOnlyList<string> differences, List<Sample> samples)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        output.WriteLine();
        output.WriteLine("Summary");
        output.WriteLine($"  messages            {total:N0} ({settings.Events:N0} events + {total - settings.Events} invalid) over {users:N0} users");
        output.WriteLine($"  elapsed             {seconds:0.00} s ({total / seconds:N0} messages/s)");
        output.WriteLine($"  completed           {metrics.Settled(SettlementOutcomes.Completed):N0}");
        output.WriteLine($"  dead-lettered       {metrics.Settled(SettlementOutcomes.DeadLettered):N0}");
        output.WriteLine($"  abandoned           {metrics.Settled(SettlementOutcomes.Abandoned):N0}");
        output.WriteLine($"  retries             {metrics.Retries:N0}");
        output.WriteLine($"  frequency-limited   {metrics.FrequencyLimited:N0} answers to the worker, {stats.FrequencyViolations:N0} violations counted by the simulator");
        output.WriteLine($"  injected faults     {stats.InjectedFaults:N0}");
        output.WriteLine($"  calls/s are against the worker's budget of {apiOptions.RequestsPerSecond} per endpoint (the API allows 100); 'backlog' is from the endpoint's first call until the queue was empty");
        output.WriteLine("  endpoint            calls  ok-calls  users-applied  mean-users/ok-call  calls/s (whole run)  calls/s (backlog)");
        for (var i = 0; i < Endpoints.Length; i++)
        {
            var command = Endpoints[i];
            var calls = metrics.Calls(command);
            var ok = metrics.SuccessfulCalls(command);
            var applied = metrics.UsersApplied(command);
            var rate = calls / seconds;
            var backlogRate = BacklogRate(samples, i, total);
            output.WriteLine($"  {ImCommandPaths.ToSegment(command),-18} {calls,6:N0}  {ok,8:N0}  {applied,13:N0}  {(ok == 0 ? 0 : (double)applied / ok),18:0.0}  {rate,7:0.0} ({rate / apiOptions.RequestsPerSecond,4:P0})  {backlogRate,9:0.0} ({backlogRate / apiOptions.RequestsPerSecond,4:P0})");
        }

        output.WriteLine($"  requests packed     {string.Join(", ", Endpoints.Select(c => $"{ImCommandPaths.ToSegment(c)} {metrics.RequestsFormed(c, RequestTriggers.Full)} full + {metrics.RequestsFormed(c, RequestTriggers.Delay)} after the batch delay + {metrics.RequestsFormed(c, RequestTriggers.Drain)} draining"))}");
        output.WriteLine($"  state check         {(finished && differences.Count == 0 ? "PASSED: the simulator's tags equal the model's for every user" : $"FAILED: {differences.Count} users differ")}");
        foreach (var difference in differences.Take(10))
        {
            output.WriteLine($"    {difference}");
        }
    }
}
