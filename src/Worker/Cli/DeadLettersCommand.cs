using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TagWorker.Hosting;
using TagWorker.Sources;

namespace TagWorker.Cli;

/// <summary>
/// <c>deadletters list [--json] | show ID | replay ID…|--all | purge ID…|--all</c> over the configured source's
/// dead-letter store (<see cref="IDeadLetterStore"/>: the local queue's dead letters, or the Service Bus entity's
/// dead-letter sub-queue). <c>replay</c> and <c>purge</c> print a line per dead letter and exit 1 if any was not
/// done.
/// </summary>
internal static class DeadLettersCommand
{
    public static Command Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object a line (id, reason, description, deliveryCount, enqueuedAt, deadLetteredAt, op, userCount, failedUsers, …)." };
        var list = new Command("list", "Lists the dead letters, oldest first.") { json };
        list.SetAction((parse, cancellationToken) => Run(configuration, context, (store, _, token) => ListAsync(store, parse.GetValue(json), context.Output, token), cancellationToken));

        var showId = new Argument<string>("id") { Description = "The dead letter's id, as list prints it." };
        var show = new Command("show", "Prints one dead letter: its details, failed users with codes, and body.") { showId };
        show.SetAction((parse, cancellationToken) => Run(configuration, context, (store, _, token) => ShowAsync(store, parse.GetValue(showId)!, context, token), cancellationToken));

        var (replayIds, replayAll) = Selection();
        var replay = new Command("replay", "Re-publishes the failed part of each dead letter's event as a new event (new eventId, replayOf = the old one), then removes the dead letter.") { replayIds, replayAll };
        replay.Validators.Add(result => ValidateSelection(result, replayIds, replayAll));
        replay.SetAction((parse, cancellationToken) => Run(configuration, context, (store, services, token) =>
            ReplayAsync(store, new DeadLetterReplayer(store, services.GetRequiredService<ITagEventWriter>(), services.GetRequiredService<TimeProvider>()), parse.GetValue(replayIds) ?? [], parse.GetValue(replayAll), context, token), cancellationToken));

        var (purgeIds, purgeAll) = Selection();
        var purge = new Command("purge", "Removes dead letters for good.") { purgeIds, purgeAll };
        purge.Validators.Add(result => ValidateSelection(result, purgeIds, purgeAll));
        purge.SetAction((parse, cancellationToken) => Run(configuration, context, (store, _, token) =>
            PurgeAsync(store, parse.GetValue(purgeIds) ?? [], parse.GetValue(purgeAll), context, token), cancellationToken));

        return new Command("deadletters", "Looks at, replays or purges the configured source's dead letters.") { list, show, replay, purge };
    }

    private static (Argument<string[]> Ids, Option<bool> All) Selection() =>
        (new Argument<string[]>("id") { Description = "Dead letter ids, as list prints them.", Arity = ArgumentArity.ZeroOrMore },
         new Option<bool>("--all") { Description = "Every dead letter." });

    private static void ValidateSelection(System.CommandLine.Parsing.CommandResult result, Argument<string[]> ids, Option<bool> all)
    {
        var count = result.GetValue(ids)?.Length ?? 0;
        var everything = result.GetValue(all);
        if (count == 0 && !everything)
        {
            result.AddError($"{result.Command.Name} needs dead letter ids or --all");
        }
        else if (count > 0 && everything)
        {
            result.AddError($"{result.Command.Name} takes dead letter ids or --all, not both");
        }
    }

    private static Task<int> Run(
        IReadOnlyList<string> configuration,
        CommandLineContext context,
        Func<IDeadLetterStore, IServiceProvider, CancellationToken, Task<int>> run,
        CancellationToken cancellationToken) =>
        VerbAction.RunAsync(context, async token =>
        {
            var host = VerbHost.Build(configuration, context);
            await using var hostScope = host.ConfigureAwait(false);
            var store = host.Services.GetService<IDeadLetterStore>()
                ?? throw new InvalidOperationException(
                    $"the {host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.Source} source has no dead-letter store registered (IDeadLetterStore)");
            return await run(store, host.Services, token).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<int> ListAsync(IDeadLetterStore store, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var record in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var view = new DeadLetterView(record);
            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(view.ToLine(), CliJsonContext.Output.DeadLetterLine)).ConfigureAwait(false);
            }
            else
            {
                if (count == 0)
                {
                    await output.WriteLineAsync(DeadLetterText.ListHeader).ConfigureAwait(false);
                }

                await output.WriteLineAsync(DeadLetterText.ListRow(view)).ConfigureAwait(false);
            }

            count++;
        }

        if (!json)
        {
            await output.WriteLineAsync(count == 0 ? "no dead letters" : string.Create(CultureInfo.InvariantCulture, $"{count} dead letter{(count == 1 ? string.Empty : "s")}")).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(IDeadLetterStore store, string id, CommandLineContext context, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            await context.Error.WriteLineAsync($"tagworker: no dead letter '{id}'").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await context.Output.WriteAsync(DeadLetterText.Details(new DeadLetterView(record))).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ReplayAsync(IDeadLetterStore store, DeadLetterReplayer replayer, string[] ids, bool all, CommandLineContext context, CancellationToken cancellationToken)
    {
        var (replayed, failed) = (0, 0);
        await foreach (var (id, record) in SelectAsync(store, ids, all, cancellationToken).ConfigureAwait(false))
        {
            if (record is null)
            {
                failed++;
                await context.Output.WriteLineAsync(DeadLetterText.NotFound(id)).ConfigureAwait(false);
                continue;
            }

            var result = await replayer.ReplayAsync(record, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                replayed++;
            }
            else
            {
                failed++;
            }

            await context.Output.WriteLineAsync(DeadLetterText.Replay(result)).ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"replayed {replayed}, not replayed {failed}")).ConfigureAwait(false);
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<int> PurgeAsync(IDeadLetterStore store, string[] ids, bool all, CommandLineContext context, CancellationToken cancellationToken)
    {
        var (purged, failed) = (0, 0);
        await foreach (var (id, record) in SelectAsync(store, ids, all, cancellationToken).ConfigureAwait(false))
        {
            if (record is null || !await store.RemoveAsync(id, cancellationToken).ConfigureAwait(false))
            {
                failed++;
                await context.Output.WriteLineAsync(DeadLetterText.NotFound(id)).ConfigureAwait(false);
                continue;
            }

            purged++;
            await context.Output.WriteLineAsync(DeadLetterText.Purged(new DeadLetterView(record))).ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"purged {purged}, not purged {failed}")).ConfigureAwait(false);
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// The dead letters to act on: with <c>--all</c> a snapshot of the list taken first (so what a replay adds to
    /// the source cannot come round again), otherwise each id looked up (null when there is none), in the order given.
    /// </summary>
    private static async IAsyncEnumerable<(string Id, DeadLetterRecord? Record)> SelectAsync(
        IDeadLetterStore store, string[] ids, bool all, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (all)
        {
            var snapshot = new List<DeadLetterRecord>();
            await foreach (var record in store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                snapshot.Add(record);
            }

            foreach (var record in snapshot)
            {
                yield return (record.Id, record);
            }

            yield break;
        }

        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            yield return (id, await store.GetAsync(id, cancellationToken).ConfigureAwait(false));
        }
    }
}
