namespace TagWorker.Cli;

/// <summary>
/// What one run of the command line talks to: where it writes, whether standard output is a terminal (the demo
/// redraws its progress line only there), and a hook that changes the hosts the verbs build (tests replace a
/// registration, e.g. the dead-letter store, after <c>AddTagWorker</c>).
/// </summary>
/// <param name="Output">Standard output: results (tables, JSON lines, the demo's summary).</param>
/// <param name="Error">Standard error: the one-line reason of a failure.</param>
public sealed record CommandLineContext(TextWriter Output, TextWriter Error)
{
    /// <summary>Whether <see cref="Output"/> is a terminal, so a line can be redrawn with <c>\r</c>.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Whether the verbs other than the service turn SIGINT/SIGTERM into cancellation (<see cref="TerminationSignal"/>); off for in-process tests.</summary>
    public bool CancelOnSignals { get; init; }

    /// <summary>Runs after <c>AddTagWorker</c> on every host a verb builds (the service's included); null in production.</summary>
    public Action<IHostApplicationBuilder>? ConfigureHost { get; init; }

    /// <summary>The process's console.</summary>
    public static CommandLineContext ForConsole() =>
        new(Console.Out, Console.Error) { OutputIsTerminal = !Console.IsOutputRedirected, CancelOnSignals = true };
}
