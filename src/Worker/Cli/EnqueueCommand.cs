using System.CommandLine;
using System.Text;
using TagWorker.Contracts;
using TagWorker.Sources;

namespace TagWorker.Cli;

/// <summary>
/// <c>enqueue FILE.jsonl</c>: one event per line (<c>-</c> reads standard input) onto the configured source. A relative
/// path is the caller's (the working directory the process was started in). Every line is validated first and
/// nothing is enqueued if any is invalid (the error names the line), unless <c>--no-validate</c> asks to send them
/// as they are (e.g. to exercise dead-lettering).
/// </summary>
internal static class EnqueueCommand
{
    private const int BatchSize = 1_000;

    public static Command Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var file = new Argument<string>("file") { Description = "A JSON Lines file of events (relative to the current directory), or - for standard input." };
        var noValidate = new Option<bool>("--no-validate") { Description = "Enqueue lines even if they are not valid events." };
        var command = new Command("enqueue", "Puts events (one JSON object per line) on the configured source.") { file, noValidate };
        command.SetAction((parse, cancellationToken) => VerbAction.RunAsync(
            context,
            token => RunAsync(parse.GetValue(file)!, parse.GetValue(noValidate), configuration, context, token),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string file, bool noValidate, IReadOnlyList<string> configuration, CommandLineContext context, CancellationToken cancellationToken)
    {
        var bodies = new List<ReadOnlyMemory<byte>>();
        using (var reader = file == "-" ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(Path.GetFullPath(file), Encoding.UTF8))
        {
            var lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var body = Encoding.UTF8.GetBytes(line);
                if (!noValidate)
                {
                    var parsed = TagChangeEventParser.Parse(body);
                    if (!parsed.IsValid)
                    {
                        await context.Error.WriteLineAsync($"tagworker: line {lineNumber} is not a valid event, nothing was enqueued: {parsed.Describe()}").ConfigureAwait(false);
                        return ExitCodes.Failure;
                    }
                }

                bodies.Add(body);
            }
        }

        var host = VerbHost.Build(configuration, context);
        await using var hostScope = host.ConfigureAwait(false);
        var writer = host.Services.GetRequiredService<ITagEventWriter>();
        foreach (var chunk in bodies.Chunk(BatchSize))
        {
            await (noValidate ? writer.EnqueueUnvalidatedAsync(chunk, cancellationToken) : writer.EnqueueAsync(chunk, cancellationToken)).ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync($"enqueued {bodies.Count} events").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
