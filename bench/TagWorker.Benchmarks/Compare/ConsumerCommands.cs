using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.Sources;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// The consumers the <c>compare</c> verb runs as child processes of this bench (hidden verbs; their arguments are
/// worker settings, <c>--Section:Key=value</c>). Both build the worker's own composition (<c>AddTagWorker</c>), so
/// the source, pacer and IM client are the shipped ones; each runs until SIGTERM.
/// </summary>
internal static class ConsumerCommands
{
    public const string Naive = "naive-consumer";
    public const string Intake = "intake-consumer";

    /// <summary>The naive consumer (<see cref="NaiveConsumer"/>) on the worker's source, pacer and IM client.</summary>
    public static Command CreateNaive()
    {
        var command = new Command(Naive, "compare's naive consumer (one call per event); run by compare.") { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = TagWorkerHost.CreateBuilder([.. parse.UnmatchedTokens]);
            builder.AddTagWorker();
            using var host = builder.Build();

            // Not started: only the parts the naive consumer uses are taken from it.
            var services = host.Services;
            using var consumer = new NaiveConsumer(
                services.GetRequiredService<IEndpointRateLimiter>(),
                services.GetRequiredService<IImTagClient>(),
                services.GetRequiredService<IOptions<RetryOptions>>().Value,
                services.GetRequiredService<IOptions<ImApiOptions>>().Value.MaxConcurrentRequests);
            var source = services.GetRequiredService<ITagEventSource>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            await source.RunAsync(consumer.OnMessageAsync, stop.Token).ConfigureAwait(false);
            return consumer.Failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>The worker service with the API out of the way (<see cref="InstantImTagClient"/>, no rate budget).</summary>
    public static Command CreateIntake()
    {
        var command = new Command(Intake, "compare's intake run: the worker with an instant no-op IM client; run by compare.") { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = TagWorkerHost.CreateBuilder([.. parse.UnmatchedTokens]);
            builder.AddTagWorker();
            builder.Services.RemoveAll<IImTagClient>();
            builder.Services.AddSingleton<IImTagClient, InstantImTagClient>();
            builder.Services.RemoveAll<IEndpointRateLimiter>();
            builder.Services.AddSingleton<IEndpointRateLimiter, UnlimitedEndpointRateLimiter>();
            using var host = builder.Build();
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
