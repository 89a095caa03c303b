using System.CommandLine;
using System.CommandLine.Help;

namespace TagWorker.Cli;

/// <summary>
/// The command line: no verb runs the worker service; <c>demo</c> runs the whole job on embedded defaults;
/// <c>enqueue FILE.jsonl</c> puts events on the configured source; <c>tags get USER…</c> reads users' tags;
/// <c>deadletters list|show|replay|purge</c> works on the configured source's dead letters. Settings
/// (<c>--Section:Key=value</c>, <c>--Section:Key value</c>, <c>--Source</c>, <c>--urls</c>, <c>--environment</c>)
/// may stand anywhere and go to the host; any other token that is not a verb, an option or an argument is an error
/// naming it (exit 2), so a mistyped verb never starts the service. Exit code 0 on success, otherwise non-zero with
/// a one-line reason on standard error (<see cref="ExitCodes"/>).
/// </summary>
public static class TagWorkerCommandLine
{
    /// <summary>Runs the command line on the process's console.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CommandLineContext.ForConsole(), CancellationToken.None);

    /// <summary>Runs the command line with <paramref name="context"/>'s output streams and host hook.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandLineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var split = ConfigurationArguments.Split(args);
        if (split.Error is { } error)
        {
            return await UsageErrorAsync(context, error).ConfigureAwait(false);
        }

        var root = Build(split.Configuration, context);
        // No response files: an argument starting with @ (an IM account can) is taken as it is.
        var parse = root.Parse(split.Verb, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            return await UsageErrorAsync(context, Describe(parse)).ConfigureAwait(false);
        }

        return await parse.InvokeAsync(Invocation(context), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How System.CommandLine invokes the verb's action.</summary>
    internal static InvocationConfiguration Invocation(CommandLineContext context) => new()
    {
        // Set explicitly, not left to the default: System.CommandLine 2.0.0 ships without process-termination
        // handling, but its release branch restores a 2-second default (dotnet/command-line-api PR #2674, see issue
        // #2739). With it, SIGTERM would cancel the action and end the process 2 s later, cutting short the
        // service's drain, which runs up to HostOptions.ShutdownTimeout. The host's console lifetime owns
        // SIGTERM/SIGINT for the service; the other verbs handle them themselves (TerminationSignal).
        ProcessTerminationTimeout = null,
        Output = context.Output,
        Error = context.Error,
    };

    /// <summary>The verbs, their options and actions; <paramref name="configuration"/> goes to every host they build.</summary>
    internal static RootCommand Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var root = new RootCommand(
            "TagWorker: applies tag-change events from a queue to Tencent Cloud IM's user-tag API. Without a verb it runs the worker service. "
            + "Settings go anywhere as --Section:Key=value (or --Section:Key value), e.g. --ImApi:Region=Singapore, --Source=ServiceBus, --urls=http://127.0.0.1:8081.");
        root.SetAction((_, cancellationToken) => VerbAction.RunServiceAsync(context, token => ServiceCommand.RunAsync(configuration, context, token), cancellationToken));
        root.Subcommands.Add(DemoCommand.Build(configuration, context));
        root.Subcommands.Add(EnqueueCommand.Build(configuration, context));
        root.Subcommands.Add(TagsCommand.Build(configuration, context));
        root.Subcommands.Add(DeadLettersCommand.Build(configuration, context));
        return root;
    }

    private static string Describe(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            return $"unknown verb or option '{parse.UnmatchedTokens[0]}'";
        }

        var command = parse.CommandResult.Command;
        return command.Action is null && command.Subcommands.Count > 0
            ? $"{command.Name} needs one of: {string.Join(", ", command.Subcommands.Select(static c => c.Name))}"
            : parse.Errors[0].Message;
    }

    private static async Task<int> UsageErrorAsync(CommandLineContext context, string message)
    {
        await context.Error.WriteLineAsync($"tagworker: {message}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
