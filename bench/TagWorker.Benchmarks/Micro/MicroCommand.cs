using System.CommandLine;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace TagWorker.Benchmarks.Micro;

/// <summary>The <c>micro</c> verb: runs <see cref="FoldAndPlanBenchmarks"/> under BenchmarkDotNet.</summary>
internal static class MicroCommand
{
    public static Command Create()
    {
        var cpuRounds = new Option<int>("--cpu-rounds")
        {
            Description = "Instead of BenchmarkDotNet: run the benchmarks in turns this many rounds each and time them by the process's CPU time too (for a shared machine).",
        };
        var command = new Command(
            "micro",
            "Fold and plan 1,000,000 events over 100,000 users on one core. Other arguments go to BenchmarkDotNet (e.g. --job short).")
        {
            cpuRounds,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(cpuRounds) is > 0 and var rounds)
            {
                return CpuTimeComparison.Run(rounds, Console.Out);
            }

            // Every benchmark runs OperationsPerInvoke = one stream, so BenchmarkDotNet's Op/s column is events/s.
            var config = DefaultConfig.Instance
                .AddColumn(StatisticColumn.OperationsPerSecond)
                .AddDiagnoser(MemoryDiagnoser.Default);
            var summary = BenchmarkRunner.Run<FoldAndPlanBenchmarks>(config, [.. parseResult.UnmatchedTokens]);
            return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
        });
        return command;
    }
}
