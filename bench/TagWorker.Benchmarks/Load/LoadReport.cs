using System.Globalization;

namespace TagWorker.Benchmarks.Load;

/// <summary>Prints one load run's figures.</summary>
internal static class LoadReport
{
    public static void Write(TextWriter output, int run, int runs, Demo.DemoSettings settings, DemoSummary summary, TimeSpan cpu, TimeSpan wall, long peakWorkingSet)
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
        // Near 100% of the cores means the machine, not the budget, limits the run.
        output.WriteLine(Invariant($"  process CPU             {cpu.TotalSeconds:0.0} s in {wall.TotalSeconds:0.0} s wall (enqueue, run and checks): {cpu.TotalSeconds / Math.Max(wall.TotalSeconds, 0.001) / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores"));
        output.WriteLine(Invariant($"  peak working set        {peakWorkingSet / (1024.0 * 1024.0):N0} MiB (this process, all runs so far)"));
        output.WriteLine(Invariant($"  state check             {summary.StateCheck}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
