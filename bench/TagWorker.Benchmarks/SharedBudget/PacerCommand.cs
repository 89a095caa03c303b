using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Benchmarks.SharedBudget;

/// <summary>
/// The <c>pacer</c> verb: one endpoint's <see cref="AdaptivePacer"/> alone, no HTTP, kept busy by N callers whose
/// "calls" take 10–30 ms; prints the departures per second it reached, the most in any sliding second and the gaps.
/// Shows what the pacer itself can do on this machine, with the system timers or the pacers' own.
/// </summary>
internal static class PacerCommand
{
    public static Command Create()
    {
        var rate = new Option<double>("--rate") { Description = "The pace, calls/s.", DefaultValueFactory = _ => 98 };
        var callers = new Option<int>("--callers") { Description = "Callers waiting at once.", DefaultValueFactory = _ => 32 };
        var seconds = new Option<int>("--seconds") { Description = "How long.", DefaultValueFactory = _ => 10 };
        var clock = new Option<string>("--clock") { Description = "high-resolution (what the worker uses) or system (Task.Delay's timers).", DefaultValueFactory = _ => "high-resolution" };
        clock.AcceptOnlyFromAmong("high-resolution", "system");
        var command = new Command("pacer", "One pacer alone under a backlog: departures per second, most in any sliding second, gaps.") { rate, callers, seconds, clock };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(rate), parse.GetValue(callers), parse.GetValue(seconds), parse.GetValue(clock) == "system", cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(double rate, int callers, int seconds, bool systemTimers, CancellationToken cancellationToken)
    {
        using var timers = systemTimers ? null : new HighResolutionTimeProvider();
        var time = (TimeProvider?)timers ?? TimeProvider.System;
        using var pacer = new AdaptivePacer(ImCommand.AddTag, rate, time, NullLogger.Instance);
        var departures = new ConcurrentBag<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var loops = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random(caller);
            while (!stop.IsCancellationRequested)
            {
                PacedCall call;
                try
                {
                    call = await pacer.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                departures.Add(call.DepartedAt);
                await Task.Delay(TimeSpan.FromMilliseconds(10 + (random.NextDouble() * 20)), CancellationToken.None).ConfigureAwait(false);
                pacer.OnSuccess(call);
            }
        })).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);

        // The first second is left out (start-up).
        var sorted = departures.Order().ToArray();
        var second = Stopwatch.Frequency;
        var measured = sorted.Where(d => d >= sorted[0] + second).ToArray();
        var span = (double)(measured[^1] - measured[0]) / second;
        var most = 0;
        for (int i = 0, first = 0; i < sorted.Length; i++)
        {
            while (sorted[i] - sorted[first] >= second)
            {
                first++;
            }

            most = Math.Max(most, i - first + 1);
        }

        var gaps = measured.Zip(measured.Skip(1), (a, b) => (b - a) * 1000.0 / second).Order().ToArray();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"pacer at {rate}/s, {callers} callers, {(systemTimers ? "system" : "high-resolution")} timers, {Environment.ProcessorCount} cores: {(measured.Length - 1) / span:0.00} departures/s over {span:0.0} s; most in any sliding second {most}; gaps ms min {gaps[0]:0.00}, median {gaps[gaps.Length / 2]:0.00}, 99th {gaps[gaps.Length * 99 / 100]:0.00}, max {gaps[^1]:0.00}"));
        return 0;
    }
}
