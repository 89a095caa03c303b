using System.Globalization;

namespace TagWorker.Benchmarks.Load;

/// <summary>Prints one load run's figures.</summary>
internal static class LoadReport
{
    public static void Write(TextWriter output, int run, int runs, Demo.DemoSettings settings, DemoSummary summary, TimeSpan cpu, long peakWorkingSet)
    {
        var seconds = Math.Max(summary.ElapsedSeconds, 0.001);
        output.WriteLine();
        output.WriteLine(Invariant($"Run {run}/{runs}"));
        output.WriteLine(Invariant($"  events/s end to end     {settings.Events / seconds:N0} ({settings.Events:N0} events in {summary.ElapsedSeconds:0.00} s, from the host's start until every message was settled)"));
        output.WriteLine(Invariant($"  budget                  {summary.Budget:0.##} calls/s per endpoint (ImApi:RequestsPerSecond; the API allows 100)"));
        output.WriteLine("  endpoint             calls/s during backlog (of budget)  calls/s whole run  mean users/ok call    calls  ok calls  users applied");
        foreach (var e in summary.Endpoints)
        {
            output.WriteLine(Invariant($"  {e.Endpoint,-20} {e.CallsPerSecondDuringBacklog,22:0.0} ({e.CallsPerSecondDuringBacklog / summary.Budget,6:P1})  {e.CallsPerSecondWholeRun,17:0.0}  {e.MeanUsersPerSuccessfulCall,18:0.0}  {e.Calls,7:N0}  {e.SuccessfulCalls,8:N0}  {e.UsersApplied,13:N0}"));
        }

        output.WriteLine(Invariant($"  requests packed         {summary.RequestsPacked}"));
        output.WriteLine(Invariant($"  frequency-limit answers {summary.FrequencyLimitAnswers:N0} to the worker ({summary.FrequencyViolations:N0} violations counted by the simulator)"));
        // CPU over the whole run (enqueue included) against the cores: near 100% means the machine, not the budget, limits.
        output.WriteLine(Invariant($"  process CPU             {cpu.TotalSeconds:0.0} s, {cpu.TotalSeconds / seconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores over the settle time (includes the enqueue before it)"));
        output.WriteLine(Invariant($"  peak working set        {peakWorkingSet / (1024.0 * 1024.0):N0} MiB (this process, all runs so far)"));
        output.WriteLine(Invariant($"  state check             {summary.StateCheck}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
