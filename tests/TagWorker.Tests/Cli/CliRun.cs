using Microsoft.Extensions.Hosting;
using TagWorker.Cli;

namespace TagWorker.Tests.Cli;

/// <summary>Runs the real command line in-process with captured output, and records every host a verb builds.</summary>
internal sealed class CliRun
{
    private CliRun(int exitCode, string output, string error, int hostsBuilt)
    {
        ExitCode = exitCode;
        Output = output;
        Error = error;
        HostsBuilt = hostsBuilt;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    /// <summary>How many hosts (service or verb) were built: 0 means nothing ran.</summary>
    public int HostsBuilt { get; }

    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<CliRun> RunAsync(IReadOnlyList<string> args, Action<IHostApplicationBuilder>? configureHost = null, bool outputIsTerminal = false)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var hosts = 0;
        var context = new CommandLineContext(output, error)
        {
            OutputIsTerminal = outputIsTerminal,
            ConfigureHost = builder =>
            {
                Interlocked.Increment(ref hosts);
                configureHost?.Invoke(builder);
            },
        };
        var exitCode = await TagWorkerCommandLine.RunAsync(args, context, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString(), hosts);
    }

    public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
}
