using System.CommandLine;
using TagWorker.Demo;

namespace TagWorker.Cli;

/// <summary><c>demo</c>: the whole job on embedded defaults (<see cref="DemoRunner"/>), with its options.</summary>
internal static class DemoCommand
{
    public static Command Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var defaults = new DemoSettings();
        var events = new Option<int>("--events") { Description = "Synthetic events to enqueue.", DefaultValueFactory = _ => defaults.Events };
        var users = new Option<int>("--users") { Description = "Users the events are spread over.", DefaultValueFactory = _ => defaults.Users };
        var invalid = new Option<int>("--invalid") { Description = "Invalid messages mixed in (dead-lettered as InvalidEvent).", DefaultValueFactory = _ => defaults.InvalidEvents };
        var seed = new Option<int>("--seed") { Description = "Seed of the event stream and the simulator's faults.", DefaultValueFactory = _ => defaults.Seed };
        var errorRate = new Option<double>("--error-rate") { Description = "Probability of an injected 91000 answer.", DefaultValueFactory = _ => defaults.ErrorRate91000 };
        var http502 = new Option<double>("--http502-rate") { Description = "Probability of an injected HTTP 502.", DefaultValueFactory = _ => defaults.Http502Rate };
        var latency = new Option<int>("--latency-ms") { Description = "Simulated API latency in milliseconds.", DefaultValueFactory = _ => (int)defaults.Latency.TotalMilliseconds };
        var quiet = new Option<bool>("--no-progress") { Description = "Print no progress (a line redrawn on a terminal, a line every few seconds otherwise)." };
        var demo = new Command("demo", "Runs the whole job on embedded defaults: a fresh local durable queue, in-process IM simulator with faults, synthetic events; prints a summary and checks the final state against a model.")
        {
            events, users, invalid, seed, errorRate, http502, latency, quiet,
        };
        demo.SetAction((parse, cancellationToken) => VerbAction.RunAsync(
            context,
            token =>
            {
                var settings = new DemoSettings
                {
                    Events = parse.GetValue(events),
                    Users = parse.GetValue(users),
                    InvalidEvents = parse.GetValue(invalid),
                    Seed = parse.GetValue(seed),
                    ErrorRate91000 = parse.GetValue(errorRate),
                    Http502Rate = parse.GetValue(http502),
                    Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                    Progress = !parse.GetValue(quiet),
                    RedrawProgress = context.OutputIsTerminal,
                };
                return new DemoRunner(settings, [.. configuration], context.Output).RunAsync(token);
            },
            cancellationToken));
        return demo;
    }
}
