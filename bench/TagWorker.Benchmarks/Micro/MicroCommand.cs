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
        var command = new Command(
            "micro",
            "Fold and plan 1,000,000 events over 100,000 users on one core. Other arguments go to BenchmarkDotNet (e.g. --job short).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parseResult =>
        {
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
