using System.Diagnostics;
using System.Globalization;

namespace TagWorker.Benchmarks.Micro;

/// <summary>
/// <c>micro --cpu-rounds N</c>: the fold + plan benchmarks of <see cref="FoldAndPlanBenchmarks"/> run in turns, N rounds
/// of each, and timed by the process's CPU time as well as the wall clock. On a shared machine the wall clock measures
/// the machine (a thread that gets a sixth of a core looks six times slower); CPU time (this process's user + system,
/// which includes the GC threads) measures the code, and taking turns puts the before and after under the same
/// conditions. Prints per benchmark the best and the median round in events per CPU-second and per wall-second.
/// </summary>
internal static class CpuTimeComparison
{
    private const int Events = 1_000_000;

    public static int Run(int rounds, TextWriter output)
    {
        var bench = new FoldAndPlanBenchmarks();
        bench.Setup();
        (string Name, Func<object> Run)[] cases =
        [
            (nameof(FoldAndPlanBenchmarks.BaselineFoldAndPlan), bench.BaselineFoldAndPlan),
            (nameof(FoldAndPlanBenchmarks.FoldAndPlan), bench.FoldAndPlan),
            (nameof(FoldAndPlanBenchmarks.FoldAndSteps), () => bench.FoldAndSteps()),
            (nameof(FoldAndPlanBenchmarks.BaselineFoldOnly), bench.BaselineFoldOnly),
            (nameof(FoldAndPlanBenchmarks.FoldOnly), bench.FoldOnly),
        ];
        var cpu = cases.ToDictionary(static c => c.Name, _ => new List<double>());
        var wall = cases.ToDictionary(static c => c.Name, _ => new List<double>());
        using var process = Process.GetCurrentProcess();

        // One warm-up round each (tiering, first-touch of the heap), then the measured turns.
        foreach (var (_, run) in cases)
        {
            GC.KeepAlive(run());
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, run) in cases)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                GC.KeepAlive(run());
                var elapsed = Stopwatch.GetElapsedTime(started);
                process.Refresh();
                cpu[name].Add(Events / (process.TotalProcessorTime - cpuBefore).TotalSeconds);
                wall[name].Add(Events / elapsed.TotalSeconds);
            }
        }

        output.WriteLine(Invariant($"fold + plan, {Events:N0} events over 100,000 users, {rounds} rounds in turns; load average {LoadAverage()}"));
        output.WriteLine("| Method | events per CPU-second, best | median | events per wall-second, best | median |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, _) in cases)
        {
            output.WriteLine(Invariant($"| {name} | {cpu[name].Max():N0} | {Median(cpu[name]):N0} | {wall[name].Max():N0} | {Median(wall[name]):N0} |"));
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
