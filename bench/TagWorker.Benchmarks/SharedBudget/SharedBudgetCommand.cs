using System.CommandLine;
using System.Globalization;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Benchmarks.SharedBudget;

/// <summary>
/// The <c>shared-budget</c> verb: N real worker processes (the built <c>TagWorker.dll</c>), each on its own local queue
/// kept a few seconds of budget ahead of it with distinct-user adds (<see cref="QueueFeeder"/>), against one in-process simulator at 100 calls/s per endpoint with latency; with
/// <c>--mode redis</c> they share one budget in a <c>redis-server</c> this verb starts. Optionally squeezes the
/// simulator's limit for a while (<c>PUT /_sim/limits</c>'s in-process twin) and stops and restarts Redis. Prints
/// a per-second timeline of <c>im_add_tag</c> as the simulator counted it and a summary per phase.
/// Other arguments are passed to every worker as configuration (e.g. <c>--ImApi:RequestsPerSecond=99</c>).
/// </summary>
internal static class SharedBudgetCommand
{
    private const double VendorLimit = 100;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    // Unsettled messages (of 100 users, one call each) kept in each worker's queue: three seconds of the whole limit,
    // so that even a worker given all of the shared budget never runs dry between two top-ups a second apart.
    private const int BacklogMessages = (int)(VendorLimit * 3);

    public static Command Create()
    {
        var workers = new Option<int>("--workers") { Description = "Worker processes.", DefaultValueFactory = _ => 3 };
        var mode = new Option<string>("--mode") { Description = "redis: one shared budget (RateLimit:Mode=Redis); local: each process paces itself.", DefaultValueFactory = _ => "redis" };
        mode.AcceptOnlyFromAmong("redis", "local");
        var duration = new Option<int>("--duration") { Description = "Seconds to measure after the workers start.", DefaultValueFactory = _ => 40 };
        var latency = new Option<int>("--latency-ms") { Description = "Simulated API latency.", DefaultValueFactory = _ => 20 };
        var jitter = new Option<int>("--jitter-ms") { Description = "Uniform jitter around the latency.", DefaultValueFactory = _ => 10 };
        var squeezeAt = new Option<int?>("--squeeze-at") { Description = "Second at which the simulator's limit drops to --squeeze-to." };
        var squeezeFor = new Option<int>("--squeeze-for") { Description = "Seconds the squeeze lasts.", DefaultValueFactory = _ => 10 };
        var squeezeTo = new Option<int>("--squeeze-to") { Description = "The squeezed limit, calls/s per endpoint.", DefaultValueFactory = _ => 60 };
        var redisStopAt = new Option<int?>("--redis-stop-at") { Description = "Second at which redis-server is stopped (redis mode)." };
        var redisStartAt = new Option<int?>("--redis-start-at") { Description = "Second at which redis-server is started again on the same port." };
        var drivers = new Option<string>("--drivers")
        {
            Description = "processes: real worker processes on local queues; dispatch: each worker reduced to its dispatch stage (client, pacer, dispatcher) in this process, kept saturated.",
            DefaultValueFactory = _ => "processes",
        };
        drivers.AcceptOnlyFromAmong("processes", "dispatch");
        var command = new Command(
            "shared-budget",
            "N worker processes against one simulator (100 calls/s per endpoint, latency): calls/s together, share of the limit, frequency-limit violations; optional squeeze and Redis outage.")
        {
            workers, mode, duration, latency, jitter, squeezeAt, squeezeFor, squeezeTo, redisStopAt, redisStartAt, drivers,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Plan(
                parse.GetValue(workers),
                parse.GetValue(mode) == "redis",
                parse.GetValue(duration),
                TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                TimeSpan.FromMilliseconds(parse.GetValue(jitter)),
                parse.GetValue(squeezeAt),
                parse.GetValue(squeezeFor),
                parse.GetValue(squeezeTo),
                parse.GetValue(redisStopAt),
                parse.GetValue(redisStartAt),
                parse.GetValue(drivers) == "dispatch",
                [.. parse.UnmatchedTokens]),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Plan plan, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        var directory = Directory.CreateTempSubdirectory("tagworker-shared-budget-").FullName;
        await using var simulator = await ImSimulatorApp.StartAsync(
            new SimulatorOptions { Faults = new FaultOptions { Latency = plan.Latency, LatencyJitter = plan.Jitter, Seed = 1 } },
            cancellationToken).ConfigureAwait(false);
        await using var redis = plan.Redis ? await RedisServer.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        output.WriteLine(Invariant($"shared-budget: {plan.Workers} {(plan.InProcessDispatch ? "in-process dispatch driver(s)" : "worker process(es)")}, mode {(plan.Redis ? "redis" : "local")}, simulator {simulator.BaseAddress} at {VendorLimit} calls/s per endpoint, latency {plan.Latency.TotalMilliseconds} ± {plan.Jitter.TotalMilliseconds} ms, {plan.Duration} s; {Environment.ProcessorCount} cores; extra settings: {string.Join(' ', plan.ExtraSettings)}"));

        var processes = new List<WorkerProcess>();
        var feeders = new List<QueueFeeder>();
        var dispatchDrivers = new List<DispatchDriver>();
        try
        {
            for (var worker = 0; worker < plan.Workers; worker++)
            {
                var settings = WorkerSettings(plan, simulator, redis, Path.Combine(directory, $"queue-{worker}.db"));
                if (plan.InProcessDispatch)
                {
                    dispatchDrivers.Add(new DispatchDriver(settings, worker));
                    continue;
                }

                var feeder = new QueueFeeder(settings, worker);
                feeders.Add(feeder);
                await feeder.TopUpAsync(BacklogMessages, cancellationToken).ConfigureAwait(false);
                processes.Add(WorkerProcess.Start(settings, Path.Combine(directory, $"worker-{worker}.log")));
            }

            using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeding = FeedAsync(feeders, stopFeeding.Token);
            var seconds = await MeasureAsync(plan, simulator, redis, output, cancellationToken).ConfigureAwait(false);
            await stopFeeding.CancelAsync().ConfigureAwait(false);
            await feeding.ConfigureAwait(false);
            Summarise(plan, seconds, processes, output);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var driver in dispatchDrivers)
            {
                await driver.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var feeder in feeders)
            {
                feeder.Dispose();
            }

            output.WriteLine($"worker logs kept in {directory}");
        }

        return 0;
    }

    private static Dictionary<string, string> WorkerSettings(Plan plan, RunningSimulator simulator, RedisServer? redis, string queuePath)
    {
        var settings = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Source"] = "Local",
            ["LocalQueue:Path"] = queuePath,
            ["Simulator:Embedded"] = "false",
            ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["ImApi:SdkAppId"] = simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["ImApi:AdminIdentifier"] = simulator.Options.AdminIdentifier,
            ["ImApi:SecretKey"] = simulator.Options.SecretKey,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:TagWorker.Dispatch.Pacing"] = "Information",
        };
        if (redis is not null)
        {
            settings["RateLimit:Mode"] = "Redis";
            settings["RateLimit:Redis:ConnectionString"] = redis.ConnectionString;
            settings["RateLimit:Replicas"] = plan.Workers.ToString(CultureInfo.InvariantCulture);
            settings["RateLimit:Redis:ReconnectInterval"] = "00:00:01";
        }

        foreach (var token in plan.ExtraSettings)
        {
            var pair = token.TrimStart('-').Split('=', 2);
            if (pair.Length == 2)
            {
                settings[pair[0]] = pair[1];
            }
        }

        return settings;
    }

    /// <summary>
    /// Tops every queue up ten times a second, so that a worker takes in a few messages at a time as from a live
    /// source: topped up once a second, each worker took in a second's worth at once and its pacer stalled for
    /// 25–60 ms (garbage collection and CPU of the intake burst) at the same moment every second.
    /// </summary>
    private static async Task FeedAsync(List<QueueFeeder> feeders, CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var feeder in feeders)
                {
                    await feeder.TopUpAsync(BacklogMessages, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private static async Task<List<Second>> MeasureAsync(Plan plan, RunningSimulator simulator, RedisServer? redis, TextWriter output, CancellationToken cancellationToken)
    {
        var seconds = new List<Second>();
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var last = simulator.SnapshotStats();
        output.WriteLine("    t  im_add_tag ok  violations  calls  limit  phase");
        for (var t = 1; t <= plan.Duration; t++)
        {
            var due = TimeSpan.FromSeconds(t) - time.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
            }

            var now = simulator.SnapshotStats();
            var add = now.Endpoints[ImCommandPaths.AddTag];
            var before = last.Endpoints[ImCommandPaths.AddTag];
            var phase = PhaseOf(plan, t - 1);
            var second = new Second(t, add.Succeeded - before.Succeeded, now.FrequencyViolations - last.FrequencyViolations, add.Calls - before.Calls, simulator.Limits.Endpoints[ImCommandPaths.AddTag], phase);
            seconds.Add(second);
            output.WriteLine(Invariant($"  {t,3}  {second.Ok,13}  {second.Violations,10}  {second.Calls,5}  {second.Limit,5}  {phase}"));
            last = now;

            // Phase changes at the start of the next second.
            if (plan.SqueezeAt == t)
            {
                simulator.ChangeLimits(new SimulatorLimitsChange(CallsPerSecond: plan.SqueezeTo));
            }

            if (plan.SqueezeAt + plan.SqueezeFor == t)
            {
                simulator.ChangeLimits(new SimulatorLimitsChange(CallsPerSecond: (int)VendorLimit));
            }

            if (redis is not null && plan.RedisStopAt == t)
            {
                await redis.StopAsync().ConfigureAwait(false);
            }

            if (redis is not null && plan.RedisStartAt == t)
            {
                await redis.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return seconds;
    }

    private static string PhaseOf(Plan plan, int secondStart) =>
        secondStart < WarmUp.TotalSeconds ? "warm-up"
        : plan.SqueezeAt is { } squeeze && secondStart >= squeeze && secondStart < squeeze + plan.SqueezeFor ? "squeeze"
        : plan.SqueezeAt is { } ended && secondStart >= ended + plan.SqueezeFor && secondStart < ended + plan.SqueezeFor + 5 ? "after-squeeze"
        : plan.RedisStopAt is { } stop && secondStart >= stop && (plan.RedisStartAt is not { } start || secondStart < start) ? "redis-stopped"
        : plan.RedisStartAt is { } restart && secondStart >= restart && secondStart < restart + 3 ? "after-redis-restart"
        : "steady";

    private static void Summarise(Plan plan, List<Second> seconds, List<WorkerProcess> processes, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Summary (im_add_tag as the simulator counted it; violations are all endpoints)");
        foreach (var phase in seconds.Select(static s => s.Phase).Distinct())
        {
            var span = seconds.Where(s => s.Phase == phase).ToList();
            var ok = span.Sum(static s => s.Ok);
            var violations = span.Sum(static s => s.Violations);
            var calls = span.Sum(static s => s.Calls);
            var limit = span.Average(static s => s.Limit);
            output.WriteLine(Invariant($"  {phase,-20} {span.Count,3} s  ok calls/s {(double)ok / span.Count,6:0.0} ({ok / (double)span.Count / limit,6:P1} of the limit)  violations {violations} of {calls} calls ({(calls == 0 ? 0 : (double)violations / calls),6:P2})"));
        }

        if (plan.SqueezeAt is { } squeezeAt)
        {
            var end = squeezeAt + plan.SqueezeFor;
            var back = seconds.FirstOrDefault(s => s.T > end && s.Ok >= 97);
            output.WriteLine(back is null
                ? "  recovery             never back to 97 ok calls/s"
                : Invariant($"  recovery             back to >= 97 ok calls/s in second {back.T - end} after the squeeze ended ({back.Ok} ok)"));
        }

        var unreachable = 0;
        var restored = 0;
        var cuts = 0;
        foreach (var process in processes)
        {
            foreach (var line in ReadShared(process.LogPath))
            {
                unreachable += line.Contains("Shared rate budget unreachable", StringComparison.Ordinal) ? 1 : 0;
                restored += line.Contains("Shared rate budget reachable again", StringComparison.Ordinal) ? 1 : 0;
                cuts += line.Contains("pace cut", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        output.WriteLine(Invariant($"  worker logs          {cuts} pace cuts, {unreachable} 'shared budget unreachable' warnings, {restored} 'reachable again'"));
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Plan(
        int Workers, bool Redis, int Duration, TimeSpan Latency, TimeSpan Jitter, int? SqueezeAt, int SqueezeFor, int SqueezeTo, int? RedisStopAt, int? RedisStartAt, bool InProcessDispatch, string[] ExtraSettings);

    private sealed record Second(int T, long Ok, long Violations, long Calls, int Limit, string Phase);
}
