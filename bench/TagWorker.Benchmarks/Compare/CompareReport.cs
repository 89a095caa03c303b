using System.Globalization;
using System.Text;
using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Compare;

/// <summary>The side-by-side table, as Markdown (printed, and written to a file when asked).</summary>
internal static class CompareReport
{
    public static string Markdown(IReadOnlyList<CompareResult> results, string command, string machine, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        Line(text, $"Command: `{command}`");
        Line(text, "");
        Line(text, $"Machine: {machine}; load average before {loadBefore}, after {loadAfter}.");
        Line(text, "");
        foreach (var stream in results.Select(static r => r.Stream).Distinct())
        {
            var min = stream.Minimum;
            Line(text, $"- **{stream.Name}**: {stream.Description}; folded minimum **{min.Total:N0} calls** (remove-all {min.RemoveAll:N0}, remove {min.Remove:N0}, add {min.Add:N0}; {min.UserUpdates:N0} user-updates)");
        }

        Line(text, "");
        Line(text, "| stream | consumer | events | drain s (after last call) | events/s | calls | ÷ folded min | ok calls/s add / remove / removeAll | freq-limited | CPU-s per 100k events | peak RSS | peak leased (RSS then) | state check |");
        Line(text, "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var ratio = r.Stream.Minimum.Total == 0 || r.Calls == 0 ? "—" : Invariant($"{(double)r.Calls / r.Stream.Minimum.Total:0.00}×");
            var state = r.Differences switch
            {
                null => "not checked",
                0 when r.Drained => "passed",
                0 => "incomplete",
                var d => Invariant($"**FAILED** ({d:N0} users)"),
            };
            if (r.Failure is not null)
            {
                // The first line says what happened; the child's last output line usually says why.
                var lines = r.Failure.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
                state += " — " + lines[0] + (lines.Length > 1 ? " " + lines[^1].Replace('|', '/') : "");
            }

            var limited = r.Calls == 0 ? "—" : Invariant($"{100.0 * r.Violations / r.Calls:0.00}% ({r.Violations:N0})");
            Line(text, Invariant($"| {r.Stream.Name} | {ConsumerRun.Label(r.Consumer, r.Baseline)} | {r.Stream.Events:N0} | {r.DrainTime.TotalSeconds:0.0} ({(r.SettleTail is { } tail ? tail.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "—")}) | {r.EventsPerSecond:N0} | {r.Calls:N0} | {ratio} | {Rate(r, ImCommand.AddTag)} / {Rate(r, ImCommand.RemoveTag)} / {Rate(r, ImCommand.RemoveAllTags)} | {limited} | {r.CpuSecondsPer100K:0.0} | {Mib(r.Process.PeakRssBytes)} | {r.PeakHeld:N0} ({Mib(r.RssAtPeakHeldBytes)}) | {state} |"));
        }

        return text.ToString();
    }

    private static string Rate(CompareResult result, ImCommand command)
    {
        var endpoint = result.Endpoints[command];
        return endpoint.SteadyOkPerSecond is { } rate ? Invariant($"{rate:0.0}") : Invariant($"({endpoint.Succeeded:N0} ok)");
    }

    private static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:N0} MiB");

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
