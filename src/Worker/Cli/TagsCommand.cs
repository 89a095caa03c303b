using System.CommandLine;
using System.Text.Json;
using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Cli;

/// <summary>
/// <c>tags get USER… [--json]</c>: each user's tags as the configured IM API holds them (<c>im_get_tag</c>, at most
/// 100 users a call, within the worker's rate budget). On embedded defaults that is a fresh in-process simulator,
/// so point it at a real app with the <c>ImApi:*</c> settings.
/// </summary>
internal static class TagsCommand
{
    public static Command Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var users = new Argument<string[]>("user") { Description = "IM accounts (UserIDs), one or more.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object a line: {\"user\":\"u1\",\"tags\":[\"a\"]}." };
        var get = new Command("get", "Prints each user's tags, read through im_get_tag on the configured IM API (ImApi:*).") { users, json };
        get.SetAction((parse, cancellationToken) => VerbAction.RunAsync(
            context,
            token => RunAsync(parse.GetValue(users)!, parse.GetValue(json), configuration, context, token),
            cancellationToken));
        return new Command("tags", "Reads users' tags from the IM API.") { get };
    }

    private static async Task<int> RunAsync(string[] users, bool json, IReadOnlyList<string> configuration, CommandLineContext context, CancellationToken cancellationToken)
    {
        var host = VerbHost.Build(configuration, context);
        await using var hostScope = host.ConfigureAwait(false);
        var reader = new UserTagsReader(
            host.Services.GetRequiredService<IImTagClient>(),
            host.Services.GetRequiredService<IEndpointRateLimiter>(),
            host.Services.GetRequiredService<TimeProvider>());
        var failed = false;
        await foreach (var chunk in reader.ReadAsync(users, cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Failure is { } failure)
            {
                failed = true;
                await context.Error.WriteLineAsync($"tagworker: im_get_tag failed for {chunk.Users.Count} users ({Abbreviate(chunk.Users)}): {failure}").ConfigureAwait(false);
                continue;
            }

            foreach (var (user, tags) in chunk.Tags)
            {
                await context.Output.WriteLineAsync(json
                    ? JsonSerializer.Serialize(new UserTagsLine(user, tags), CliJsonContext.Output.UserTagsLine)
                    : $"{user}: {(tags.Count == 0 ? "(no tags)" : string.Join(", ", tags))}").ConfigureAwait(false);
            }
        }

        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static string Abbreviate(IReadOnlyList<string> users) =>
        users.Count <= 3 ? string.Join(", ", users) : $"{users[0]} … {users[^1]}";
}
