using System.Data.Common;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace TagWorker.Cli;

/// <summary>
/// Runs a verb's action: cancellation on SIGINT/SIGTERM for the verbs that are not the service, and the expected
/// failures (bad settings, an unreachable source, a missing file) turned into the one-line reason and exit code the
/// outside interface promises. Anything else is a bug and keeps its stack trace (System.CommandLine's handler).
/// </summary>
internal static class VerbAction
{
    /// <summary>A verb other than the service: cancelled on the first SIGINT/SIGTERM.</summary>
    public static async Task<int> RunAsync(CommandLineContext context, Func<CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        if (!context.CancelOnSignals)
        {
            return await GuardedAsync(context, run, cancellationToken).ConfigureAwait(false);
        }

        using var signal = new TerminationSignal(cancellationToken);
        return await GuardedAsync(context, run, signal.Token).ConfigureAwait(false);
    }

    /// <summary>The service: its host handles the signals (and drains), so nothing is added here.</summary>
    public static Task<int> RunServiceAsync(CommandLineContext context, Func<CancellationToken, Task<int>> run, CancellationToken cancellationToken) =>
        GuardedAsync(context, run, cancellationToken);

    private static async Task<int> GuardedAsync(CommandLineContext context, Func<CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run(cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException exception)
        {
            await context.Error.WriteLineAsync($"tagworker: invalid settings: {string.Join(" ", exception.Failures)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("tagworker: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException or FormatException
            or DbException or ServiceBusException or AuthenticationFailedException or HttpRequestException)
        {
            await context.Error.WriteLineAsync($"tagworker: {OneLine(exception.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
