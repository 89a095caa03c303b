using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.EndToEnd.Tests.Processes;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Sources;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// One consumer on one stream: a fresh local queue file with the whole stream enqueued up front (a backlog), the
/// simulator's state and counters reset, the consumer started as a child process on both, and polled until the queue
/// is empty: the simulator's counters every tick (for the endpoints' steady ok rate), the queue's counts and the
/// child's resident set every few. Then the child's CPU time and peak resident set are read from /proc, it is
/// stopped with SIGTERM, and the simulator's state is compared with the stream's model.
/// </summary>
internal static class ConsumerRun
{
    private static readonly ImCommand[] Endpoints = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    /// <summary>Runs <paramref name="kind"/> on <paramref name="stream"/>; <paramref name="baseline"/>, when set, is another build's bench folder to start it from.</summary>
    public static async Task<CompareResult> RunAsync(
        CompareStream stream,
        ConsumerKind kind,
        RunningSimulator simulator,
        IReadOnlyDictionary<string, string?> workerSettings,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        Action<string> log,
        string? baseline,
        CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("tagworker-compare-").FullName;
        try
        {
            var settings = Settings(Path.Combine(directory, "queue.db"), kind, simulator, workerSettings);
            var secret = new Dictionary<string, string?>(settings) { ["ImApi:SecretKey"] = simulator.Options.SecretKey };
            var enqueueStarted = TimeProvider.System.GetTimestamp();
            await EnqueueAsync(stream, secret, cancellationToken).ConfigureAwait(false);
            log(Invariant($"  {Label(kind, baseline is not null)}: {stream.Events:N0} messages enqueued in {TimeProvider.System.GetElapsedTime(enqueueStarted).TotalSeconds:0.0} s; starting the consumer."));
            simulator.Reset();
            using var queue = new QueueInspector(secret);
            return await MeasureAsync(stream, kind, simulator, settings, environment, queue, timeout, baseline, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
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

    public static string Label(ConsumerKind kind) => kind switch
    {
        ConsumerKind.Shipped => "(a) TagWorker",
        ConsumerKind.WindowOfOne => "(b) window of 1",
        ConsumerKind.Naive => "(c) naive",
        _ => "intake (no-op API)",
    };

    /// <summary>The consumer's label, marked when it ran from the baseline build.</summary>
    public static string Label(ConsumerKind kind, bool baseline) => baseline ? Label(kind) + ", baseline" : Label(kind);

    private static Dictionary<string, string?> Settings(string queuePath, ConsumerKind kind, RunningSimulator simulator, IReadOnlyDictionary<string, string?> workerSettings)
    {
        var options = simulator.Options;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Source"] = "Local",
            ["LocalQueue:Path"] = queuePath,
            ["Simulator:Embedded"] = "false",
            ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["ImApi:SdkAppId"] = options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["ImApi:AdminIdentifier"] = options.AdminIdentifier,
            ["Urls"] = "http://127.0.0.1:0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        if (kind == ConsumerKind.WindowOfOne)
        {
            settings["Pipeline:MaxHeldMessages"] = "1";
            // With one message held nothing else can arrive to fill a request: waiting the default 500 ms batch delay
            // for one would only add half a second an event.
            settings["Batching:MaxBatchDelay"] = "00:00:00.001";
        }

        foreach (var (key, value) in workerSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task EnqueueAsync(CompareStream stream, Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        // The worker's own writer on the same settings (the enqueue verb's path, without its per-line validation).
        var builder = TagWorkerHost.CreateBuilder([], settings);
        builder.AddTagWorker();
        using var host = builder.Build();
        var writer = host.Services.GetRequiredService<ITagEventWriter>();
        foreach (var batch in stream.Bodies.Chunk(10_000))
        {
            await writer.EnqueueAsync([.. batch.Select(static b => (ReadOnlyMemory<byte>)b)], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<CompareResult> MeasureAsync(
        CompareStream stream,
        ConsumerKind kind,
        RunningSimulator simulator,
        Dictionary<string, string?> settings,
        IReadOnlyDictionary<string, string> extraEnvironment,
        QueueInspector queue,
        TimeSpan timeout,
        string? baseline,
        CancellationToken cancellationToken)
    {
        var arguments = settings.Select(static s => $"--{s.Key}={s.Value}").ToList();
        var environment = new Dictionary<string, string>(extraEnvironment) { ["ImApi__SecretKey"] = simulator.Options.SecretKey };
        await using var child = kind switch
        {
            ConsumerKind.Shipped or ConsumerKind.WindowOfOne => ChildProcess.Start(Label(kind), "TagWorker.dll", arguments, environment, baseline),
            ConsumerKind.Naive => ChildProcess.Start(Label(kind), "TagWorker.Benchmarks.dll", [ConsumerCommands.Naive, .. arguments], environment, baseline),
            _ => ChildProcess.Start(Label(kind), "TagWorker.Benchmarks.dll", [ConsumerCommands.Intake, .. arguments], environment, baseline),
        };

        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var samples = new List<(double At, SimulatorStats Stats)>();
        // Counting the queue scans its table: often enough to see the drain within a tenth of a second on small
        // streams, less often on large ones so that the poll does not compete with the consumer for the two cores.
        var countEvery = stream.Events > 50_000 ? 5 : 2;
        double? firstTaken = null;
        double drainedAt = 0;
        long peakHeld = 0, rssAtPeak = 0;
        string? failure = null;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        for (var n = 0; ; n++)
        {
            await tick.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            var at = clock.GetElapsedTime(started).TotalSeconds;
            samples.Add((at, simulator.SnapshotStats()));
            if (child.HasExited)
            {
                failure = $"{child.Name} exited by itself. Its last output:{Environment.NewLine}{child.Output}";
                drainedAt = at;
                break;
            }

            if (n % countEvery != 0)
            {
                continue;
            }

            var counts = await queue.CountsAsync(cancellationToken).ConfigureAwait(false);
            if (firstTaken is null && counts.Active < stream.Events)
            {
                firstTaken = at;
            }

            if (counts.Leased > peakHeld)
            {
                peakHeld = counts.Leased;
                rssAtPeak = ProcessMeter.Read(child.Id).RssBytes;
            }

            if (counts.Active + counts.Leased == 0)
            {
                drainedAt = at;
                break;
            }

            if (at > timeout.TotalSeconds)
            {
                failure = Invariant($"timed out after {timeout.TotalMinutes:0} min with {counts.Active:N0} messages waiting and {counts.Leased:N0} leased");
                drainedAt = at;
                break;
            }
        }

        var figures = child.HasExited ? default : ProcessMeter.Read(child.Id);
        await child.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var drain = TimeSpan.FromSeconds(drainedAt - (firstTaken ?? 0));
        var lastCalls = samples.Count == 0 ? 0 : samples[^1].Stats.TotalCalls;
        var lastCallAt = samples.FirstOrDefault(s => s.Stats.TotalCalls == lastCalls).At;
        int? differences = kind == ConsumerKind.Intake ? null : stream.Model.Differences(simulator.SnapshotState()).Count;
        return new CompareResult
        {
            Stream = stream,
            Consumer = kind,
            Baseline = baseline is not null,
            Drained = failure is null,
            DrainTime = drain,
            Wall = TimeSpan.FromSeconds(drainedAt),
            SettleTail = lastCalls == 0 ? null : TimeSpan.FromSeconds(Math.Max(0, drainedAt - lastCallAt)),
            Process = figures,
            PeakHeld = peakHeld,
            RssAtPeakHeldBytes = rssAtPeak,
            Endpoints = Endpoints.ToDictionary(static c => c, c => Endpoint(c, samples)),
            Differences = differences,
            Failure = failure,
        };
    }

    /// <summary>
    /// The endpoint's counters at the end, and its ok calls/s while it was busy: between the moments its successful
    /// calls reached 5% and 95% of their final count, which leaves out the start (folds still filling, the backlog
    /// hold) and the tail (the last, smaller requests).
    /// </summary>
    private static EndpointResult Endpoint(ImCommand command, List<(double At, SimulatorStats Stats)> samples)
    {
        var name = ImCommandPaths.ToSegment(command);
        var last = samples.Count == 0 ? null : samples[^1].Stats.Endpoints[name];
        if (last is null)
        {
            return new EndpointResult(0, 0, 0, null);
        }

        double? steady = null;
        if (last.Succeeded >= 40)
        {
            var low = (long)Math.Ceiling(last.Succeeded * 0.05);
            var high = (long)Math.Floor(last.Succeeded * 0.95);
            var from = samples.First(s => s.Stats.Endpoints[name].Succeeded >= low);
            var to = samples.First(s => s.Stats.Endpoints[name].Succeeded >= high);
            if (to.At > from.At)
            {
                steady = (to.Stats.Endpoints[name].Succeeded - from.Stats.Endpoints[name].Succeeded) / (to.At - from.At);
            }
        }

        return new EndpointResult(last.Calls, last.Succeeded, last.Violations, steady);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
