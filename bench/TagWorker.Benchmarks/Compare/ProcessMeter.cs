using System.Globalization;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// A child process's own CPU time and peak resident set, read from Linux's <c>/proc/&lt;pid&gt;/stat</c> (utime + stime,
/// in clock ticks) and <c>/proc/&lt;pid&gt;/status</c> (<c>VmHWM</c>, the resident set's high-water mark, and
/// <c>VmRSS</c>). Read while the process still runs: the figures go with it.
/// </summary>
internal static class ProcessMeter
{
    // USER_HZ: 100 on every Linux ABI .NET runs on (sysconf(_SC_CLK_TCK)); /proc reports ticks of it.
    private const double TicksPerSecond = 100;

    public static ProcessFigures Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are at 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long hwm = 0, rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
        }

        return new ProcessFigures(TimeSpan.FromSeconds(ticks / TicksPerSecond), hwm * 1024, rss * 1024);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}

/// <summary>CPU time (user + system), peak and current resident set in bytes.</summary>
internal readonly record struct ProcessFigures(TimeSpan Cpu, long PeakRssBytes, long RssBytes);
