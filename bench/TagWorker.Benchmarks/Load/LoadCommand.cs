using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using TagWorker.Demo;

namespace TagWorker.Benchmarks.Load;

/// <summary>
/// The <c>load</c> verb: the whole job end to end through <see cref="DemoRunner"/> (local SQLite queue, in-process
/// simulator at 100 calls/s per endpoint, the real worker host). Defaults: 200,000 events over 20,000 users, faults
/// off (so the figures are the pipeline's ceiling against the budget), one run. Other arguments are configuration for
/// the worker host (e.g. <c>--ImApi:RequestsPerSecond=95</c>). Exit code 1 if a run's state check fails or it times
/// out, 2 if the demo's summary could not be read.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Synthetic events to enqueue.", DefaultValueFactory = _ => 200_000 };
        var users = new Option<int>("--users") { Description = "Users the events are spread over.", DefaultValueFactory = _ => 20_000 };
        var faults = new Option<string>("--faults")
        {
            Description = "on: the demo's faults (10% 91000, 2% HTTP 502, 20 ms ± 10 ms latency); off: none, no latency.",
            DefaultValueFactory = _ => "off",
        };
        faults.AcceptOnlyFromAmong("on", "off");
        var runs = new Option<int>("--runs") { Description = "How many times to run the job, each on a fresh queue and simulator.", DefaultValueFactory = _ => 1 };
        var showDemo = new Option<bool>("--show-demo") { Description = "Also print the demo's own output." };
        var command = new Command(
            "load",
            "The whole job end to end (local queue, in-process simulator at 100 calls/s per endpoint, the real worker host); prints events/s, calls/s against the budget, users per call, frequency-limit answers, peak working set and the state check.")
        {
            events, users, faults, runs, showDemo,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        foreach (var option in new[] { events, users, runs })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{option.Name} must be at least 1.");
                }
            });
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = Settings(parse.GetValue(events), parse.GetValue(users), parse.GetValue(faults) == "on");
            return RunAsync(settings, parse.GetValue(runs), [.. parse.UnmatchedTokens], parse.GetValue(showDemo), cancellationToken);
        });
        return command;
    }

    private static DemoSettings Settings(int events, int users, bool faults)
    {
        var defaults = new DemoSettings();
        return defaults with
        {
            Events = events,
            Users = users,
            InvalidEvents = 0,
            ErrorRate91000 = faults ? defaults.ErrorRate91000 : 0,
            Http502Rate = faults ? defaults.Http502Rate : 0,
            Latency = faults ? defaults.Latency : TimeSpan.Zero,
            Progress = false,
        };
    }

    private static async Task<int> RunAsync(DemoSettings settings, int runs, string[] configurationArgs, bool showDemo, CancellationToken cancellationToken)
    {
        // The summary is read back, so it is printed without culture-specific separators.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var output = Console.Out;
        output.WriteLine(Invariant($"TagWorker load: {settings.Events:N0} events over {settings.Users:N0} users, faults {(settings.ErrorRate91000 > 0 || settings.Http502Rate > 0 ? $"on ({settings.ErrorRate91000:P0} 91000, {settings.Http502Rate:P0} HTTP 502, {settings.Latency.TotalMilliseconds:0} ms ± {settings.Latency.TotalMilliseconds / 2:0} ms latency)" : "off (no latency)")}, simulator {settings.CallsPerSecond} calls/s per endpoint, {runs} run(s); {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        var exitCode = 0;
        for (var run = 1; run <= runs; run++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = TimeProvider.System.GetTimestamp();
            using var demoOutput = new StringWriter(CultureInfo.InvariantCulture);
            var demoExit = await new DemoRunner(settings, configurationArgs, demoOutput).RunAsync(cancellationToken).ConfigureAwait(false);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var wall = TimeProvider.System.GetElapsedTime(started);
            var text = demoOutput.ToString();
            if (showDemo)
            {
                output.WriteLine(text);
            }

            DemoSummary summary;
            try
            {
                summary = DemoSummary.Parse(text);
            }
            catch (FormatException e)
            {
                output.WriteLine(Invariant($"Run {run}: {e.Message} The demo printed:"));
                output.WriteLine(text);
                return 2;
            }

            LoadReport.Write(output, run, runs, settings, summary, cpu, wall, Process.GetCurrentProcess().PeakWorkingSet64);
            if (demoExit != 0)
            {
                exitCode = 1;
            }
        }

        return exitCode;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
