using System.Globalization;
using TagWorker.Sources;
using TagWorker.Sources.Local;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>What a crash run ended with, for a test to assert and the bench to print.</summary>
internal sealed record CrashScenarioResult
{
    public required int Messages { get; init; }

    public required int InvalidMessages { get; init; }

    /// <summary>Users the model knows (every user any valid event touched).</summary>
    public required int UsersChecked { get; init; }

    /// <summary>Users whose tags in the simulator differ from the model's, one line each.</summary>
    public required IReadOnlyList<string> Differences { get; init; }

    /// <summary>Whether the queue was empty (nothing available or leased) before the timeout.</summary>
    public required bool Drained { get; init; }

    public required LocalQueueCounts FinalCounts { get; init; }

    public required IReadOnlyList<DeadLetterRecord> DeadLetters { get; init; }

    /// <summary>Dead letters whose body is one of the stream's invalid bodies.</summary>
    public required int InvalidDeadLettered { get; init; }

    /// <summary>Dead letters of valid events: a change the worker gave up on.</summary>
    public int ValidDeadLettered => DeadLetters.Count - InvalidDeadLettered;

    public required int PlannedKills { get; init; }

    public required IReadOnlyList<KillPoint> Kills { get; init; }

    /// <summary>The exit code of the last worker after SIGTERM.</summary>
    public required int StopExitCode { get; init; }

    /// <summary>From the first worker's start until the queue was empty (or the timeout).</summary>
    public required TimeSpan Elapsed { get; init; }

    public required long SimulatorCalls { get; init; }

    public required long InjectedFaults { get; init; }

    public IReadOnlyDictionary<string, int> DeadLettersByReason =>
        DeadLetters.GroupBy(static d => d.Reason, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.Count(), StringComparer.Ordinal);

    /// <summary>The run in a few lines, for test output and the bench.</summary>
    public IEnumerable<string> Summary()
    {
        yield return Invariant($"  messages            {Messages:N0} ({Messages - InvalidMessages:N0} valid + {InvalidMessages} invalid)");
        yield return PlannedKills == 0
            ? "  kills               none"
            : Invariant($"  kills               {Kills.Count} of {PlannedKills} (SIGKILL exit codes: {string.Join(", ", Kills.Select(static k => k.ExitCode))})");
        foreach (var kill in Kills)
        {
            yield return Invariant($"    kill {kill.Number} at {kill.At.TotalSeconds:0.0} s, {kill.SettledBefore:N0} messages settled, {kill.CallsInLife:N0} calls into that process's life, {kill.LeasedAfterKill:N0} left leased");
        }

        yield return Invariant($"  elapsed             {Elapsed.TotalSeconds:0.0} s{(Drained ? string.Empty : " (TIMED OUT before the queue was empty)")}");
        yield return Invariant($"  simulator calls     {SimulatorCalls:N0} ({InjectedFaults:N0} injected faults)");
        yield return Invariant($"  queue at the end    {FinalCounts.Active:N0} available, {FinalCounts.Leased:N0} leased, {FinalCounts.DeadLettered:N0} dead-lettered");
        yield return Invariant($"  dead letters        {(DeadLetters.Count == 0 ? "none" : string.Join(", ", DeadLettersByReason.OrderBy(static r => r.Key, StringComparer.Ordinal).Select(static r => $"{r.Key} {r.Value}")))}; {InvalidDeadLettered} of {InvalidMessages} invalid, {ValidDeadLettered} valid");
        yield return Invariant($"  users checked       {UsersChecked:N0}");
        yield return Invariant($"  users wrong         {Differences.Count:N0}");
        foreach (var difference in Differences.Take(5))
        {
            yield return "    " + difference;
        }

        yield return Invariant($"  stop (SIGTERM)      exit code {StopExitCode}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
