using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.Demo;
using TagWorker.Hosting;

namespace TagWorker.Cli;

/// <summary>
/// The command line: no verb runs the worker service; <c>demo</c> runs the whole job on embedded defaults;
/// <c>enqueue FILE.jsonl</c> puts events on the configured source. Tokens that are not verbs or their options
/// (<c>--Section:Key=value</c>) are configuration and go to the host. Exit code 0 on success, otherwise non-zero
/// with a one-line reason on stderr.
/// </summary>
public static class TagWorkerCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("TagWorker: applies tag-change events from a queue to Tencent Cloud IM's user-tag API. Without a verb it runs the worker service; settings as --Section:Key=value.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, cancellationToken) => Guarded(() => RunServiceAsync(Config(parse), cancellationToken)));
        root.Subcommands.Add(BuildDemo());
        root.Subcommands.Add(EnqueueCommand.Build(Config));
        return root;
    }

    private static string[] Config(ParseResult parse) => [.. parse.UnmatchedTokens];

    private static Command BuildDemo()
    {
        var defaults = new DemoSettings();
        var events = new Option<int>("--events") { Description = "Synthetic events to enqueue.", DefaultValueFactory = _ => defaults.Events };
        var users = new Option<int>("--users") { Description = "Users the events are spread over.", DefaultValueFactory = _ => defaults.Users };
        var invalid = new Option<int>("--invalid") { Description = "Invalid messages mixed in (dead-lettered as InvalidEvent).", DefaultValueFactory = _ => defaults.InvalidEvents };
        var seed = new Option<int>("--seed") { Description = "Seed of the event stream and the simulator's faults.", DefaultValueFactory = _ => defaults.Seed };
        var errorRate = new Option<double>("--error-rate") { Description = "Probability of an injected 91000 answer.", DefaultValueFactory = _ => defaults.ErrorRate91000 };
        var http502 = new Option<double>("--http502-rate") { Description = "Probability of an injected HTTP 502.", DefaultValueFactory = _ => defaults.Http502Rate };
        var latency = new Option<int>("--latency-ms") { Description = "Simulated API latency in milliseconds.", DefaultValueFactory = _ => (int)defaults.Latency.TotalMilliseconds };
        var quiet = new Option<bool>("--no-progress") { Description = "Do not redraw a progress line." };
        var demo = new Command("demo", "Runs the whole job on embedded defaults: local durable queue, in-process IM simulator with faults, synthetic events; prints a summary and checks the final state against a model.")
        {
            events, users, invalid, seed, errorRate, http502, latency, quiet,
        };
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction((parse, cancellationToken) => Guarded(() =>
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
            };
            return new DemoRunner(settings, Config(parse), Console.Out).RunAsync(cancellationToken);
        }));
        return demo;
    }

    private static async Task<int> RunServiceAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = TagWorkerHost.CreateWebBuilder(args);
        builder.AddTagWorker();
        var app = builder.Build();
        app.MapTagWorkerHealth();
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        if (app.Services.GetRequiredService<TagWorkerService>().Fault is { } fault)
        {
            await Console.Error.WriteLineAsync($"tagworker: {fault.Message}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    /// <summary>Turns a start-up failure into the one-line reason and exit code the outside interface promises.</summary>
    internal static async Task<int> Guarded(Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"tagworker: invalid settings: {string.Join(" ", exception.Failures)}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("tagworker: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"tagworker: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
