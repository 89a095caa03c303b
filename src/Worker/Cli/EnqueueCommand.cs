using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.Contracts;
using TagWorker.Hosting;
using TagWorker.Sources;

namespace TagWorker.Cli;

/// <summary>
/// <c>enqueue FILE.jsonl</c>: one event per line (<c>-</c> reads standard input) onto the configured source. Every
/// line is validated first and nothing is enqueued if any is invalid (the error names the line), unless
/// <c>--no-validate</c> asks to send them as they are (e.g. to exercise dead-lettering).
/// </summary>
internal static class EnqueueCommand
{
    private const int BatchSize = 1_000;

    public static Command Build(Func<ParseResult, string[]> configuration)
    {
        var file = new Argument<string>("file") { Description = "A JSON Lines file of events, or - for standard input." };
        var noValidate = new Option<bool>("--no-validate") { Description = "Enqueue lines even if they are not valid events." };
        var command = new Command("enqueue", "Puts events (one JSON object per line) on the configured source.") { file, noValidate };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => TagWorkerCommandLine.Guarded(
            () => RunAsync(parse.GetValue(file)!, parse.GetValue(noValidate), configuration(parse), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string file, bool noValidate, string[] args, CancellationToken cancellationToken)
    {
        var bodies = new List<ReadOnlyMemory<byte>>();
        using (var reader = file == "-" ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(file, Encoding.UTF8))
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
                        await Console.Error.WriteLineAsync($"tagworker: line {lineNumber} is not a valid event, nothing was enqueued: {parsed.Describe()}").ConfigureAwait(false);
                        return 1;
                    }
                }

                bodies.Add(body);
            }
        }

        var builder = TagWorkerHost.CreateBuilder(args);
        builder.AddTagWorker();
        using var host = builder.Build();
        var writer = host.Services.GetRequiredService<ITagEventWriter>();
        foreach (var chunk in bodies.Chunk(BatchSize))
        {
            await writer.EnqueueAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"enqueued {bodies.Count} events");
        return 0;
    }
}
