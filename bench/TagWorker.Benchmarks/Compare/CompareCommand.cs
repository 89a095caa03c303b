using System.CommandLine;
using System.Globalization;
using System.Runtime;
using TagWorker.Benchmarks.Crash;
using TagWorker.ImSimulator;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// The <c>compare</c> verb (issue 10.6): the same simulator (in this process on 127.0.0.1, 100 calls/s per endpoint,
/// latency 20 ± 10 ms) and the same seeded streams for (a) TagWorker as shipped, (b) TagWorker with a merge window of
/// one message and (c) a naive consumer (one call per event through the worker's pacer and IM client), each as its own
/// process on a local queue holding the whole stream up front. Optionally also the intake run: the worker with the API
/// out of the way. Prints the table (and writes it with <c>--markdown</c>); other arguments are worker settings
/// (<c>--Section:Key=value</c>) for every consumer. Exit code 1 when a run failed its state check or timed out.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var scale = new Option<double>("--scale")
        {
            Description = "Stream sizes relative to issue 10's (1: 160,000 distinct adds; 300,000 events over 30,000 users; 200,000 Zipf events over 50,000 users). The default finishes in a few minutes: (b) and (c) make about one call per event.",
            DefaultValueFactory = _ => 0.01,
        };
        var streams = new Option<string[]>("--streams") { Description = "Streams to run.", DefaultValueFactory = _ => CompareStreams.All, AllowMultipleArgumentsPerToken = true };
        streams.AcceptOnlyFromAmong(CompareStreams.All);
        var consumers = new Option<string[]>("--consumers")
        {
            Description = "Consumers to run: shipped (a), window1 (b), naive (c); none for only the intake run.",
            DefaultValueFactory = _ => ["shipped", "window1", "naive"],
            AllowMultipleArgumentsPerToken = true,
        };
        consumers.AcceptOnlyFromAmong("shipped", "window1", "naive", "none");
        var intakeScale = new Option<double>("--intake-scale")
        {
            Description = "Also measure intake with the API out of the way, on the repeat stream at this scale (0: skip).",
            DefaultValueFactory = _ => 1,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the streams and of the simulator's latency draws.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout-minutes") { Description = "Longest one consumer may take to empty the queue.", DefaultValueFactory = _ => 20 };
        var environment = new Option<string[]>("--consumer-env")
        {
            Description = "Environment variables for every consumer process, NAME=VALUE (e.g. DOTNET_GCgen0size=0x4000000 to see what the GC's headroom costs in RSS).",
            DefaultValueFactory = _ => [],
            AllowMultipleArgumentsPerToken = true,
        };
        var baseline = new Option<DirectoryInfo?>("--baseline")
        {
            Description = "Also run (a) and the intake run from another build's bench output folder (e.g. main's bench/TagWorker.Benchmarks/bin/Release/net10.0), each just before this build's, for before/after figures from one run.",
        };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the table (with command, machine and load average) to this file." };
        var command = new Command("compare", "Side by side on one simulator and the same streams: TagWorker, TagWorker with a one-message window, and a naive one-call-per-event consumer; events/s, calls against the folded minimum, ok calls/s, frequency limits, CPU and RSS of each consumer process, state check.")
        {
            scale, streams, consumers, intakeScale, seed, timeout, environment, baseline, markdown,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            Dictionary<string, string?> workerSettings;
            try
            {
                workerSettings = WorkerSettingsArguments.Parse(parse.UnmatchedTokens);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"compare: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            var consumerEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(environment)!)
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals < 1)
                {
                    await Console.Error.WriteLineAsync($"compare: '{pair}' is not NAME=VALUE.").ConfigureAwait(false);
                    return 2;
                }

                consumerEnvironment[pair[..equals]] = pair[(equals + 1)..];
            }

            var kinds = parse.GetValue(consumers)!.Where(static c => c != "none").Select(static c => c switch
            {
                "shipped" => ConsumerKind.Shipped,
                "window1" => ConsumerKind.WindowOfOne,
                _ => ConsumerKind.Naive,
            }).Distinct().ToArray();
            return await RunAsync(
                parse.GetValue(scale), parse.GetValue(streams)!, kinds, parse.GetValue(intakeScale), parse.GetValue(seed),
                TimeSpan.FromMinutes(parse.GetValue(timeout)), parse.GetValue(markdown), parse.GetValue(baseline)?.FullName, workerSettings, consumerEnvironment, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        double scale,
        string[] streamNames,
        ConsumerKind[] kinds,
        double intakeScale,
        int seed,
        TimeSpan timeout,
        FileInfo? markdown,
        string? baseline,
        Dictionary<string, string?> workerSettings,
        Dictionary<string, string> consumerEnvironment,
        CancellationToken cancellationToken)
    {
        var output = Console.Out;
        var loadBefore = LoadAverage();
        var commandLine = "dotnet run -c Release --project bench/TagWorker.Benchmarks -- " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
        output.WriteLine(Invariant($"TagWorker compare: scale {scale}, streams {string.Join(", ", streamNames)}, consumers {string.Join(", ", kinds.Select(ConsumerRun.Label))}, intake scale {intakeScale}, seed {seed}; {(GCSettings.IsServerGC ? "server" : "workstation")} GC in the bench, {Environment.ProcessorCount} cores, load average {loadBefore}"));
        await using var simulator = await ImSimulatorApp.StartAsync(
            new SimulatorOptions
            {
                CallsPerSecond = 100,
                Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(20), LatencyJitter = TimeSpan.FromMilliseconds(10), Seed = seed },
            },
            cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Simulator at {simulator.BaseAddress}: 100 calls/s per endpoint, latency 20 ± 10 ms, no faults.");

        var results = new List<CompareResult>();
        foreach (var name in kinds.Length == 0 ? [] : streamNames)
        {
            var stream = CompareStreams.Create(name, scale, seed);
            output.WriteLine(Invariant($"Stream {name}: {stream.Description}; folded minimum {stream.Minimum.Total:N0} calls."));
            foreach (var (kind, build) in kinds.SelectMany(k => baseline is not null && k == ConsumerKind.Shipped ? new[] { (k, baseline), (k, (string?)null) } : [(k, (string?)null)]))
            {
                var result = await ConsumerRun.RunAsync(stream, kind, simulator, workerSettings, consumerEnvironment, timeout, output.WriteLine, build, cancellationToken).ConfigureAwait(false);
                output.WriteLine(Invariant($"  {ConsumerRun.Label(kind, build is not null)}: {result.DrainTime.TotalSeconds:0.0} s, {result.EventsPerSecond:N0} events/s, {result.Calls:N0} calls ({(double)result.Calls / Math.Max(1, stream.Minimum.Total):0.00}× the minimum), {result.Violations:N0} frequency-limited, CPU {result.Process.Cpu.TotalSeconds:0.0} s, peak RSS {result.Process.PeakRssBytes / 1048576.0:N0} MiB, peak held {result.PeakHeld:N0}, state {(result.Differences == 0 ? "passed" : "FAILED")}{(result.Failure is null ? "" : " — " + result.Failure)}"));
                results.Add(result);
            }
        }

        if (intakeScale > 0)
        {
            var stream = CompareStreams.Create(CompareStreams.Repeat, intakeScale, seed);
            output.WriteLine(Invariant($"Intake: {stream.Description}, the worker with an instant no-op IM client and no rate budget."));
            foreach (var build in baseline is null ? new string?[] { null } : [baseline, null])
            {
                var result = await ConsumerRun.RunAsync(stream, ConsumerKind.Intake, simulator, workerSettings, consumerEnvironment, timeout, output.WriteLine, build, cancellationToken).ConfigureAwait(false);
                output.WriteLine(Invariant($"  {ConsumerRun.Label(ConsumerKind.Intake, build is not null)}: {result.DrainTime.TotalSeconds:0.0} s, {result.EventsPerSecond:N0} events/s, CPU {result.Process.Cpu.TotalSeconds:0.0} s, peak RSS {result.Process.PeakRssBytes / 1048576.0:N0} MiB, peak held {result.PeakHeld:N0}{(result.Failure is null ? "" : " — " + result.Failure)}"));
                results.Add(result);
            }
        }

        var table = CompareReport.Markdown(results, commandLine, Machine(), loadBefore, LoadAverage());
        output.WriteLine();
        output.WriteLine(table);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown.FullName, table, cancellationToken).ConfigureAwait(false);
        }

        return results.All(static r => r.Failure is null && r.Differences is null or 0) ? 0 : 1;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return Invariant($"{Environment.ProcessorCount} cores ({model ?? "unknown CPU"}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
