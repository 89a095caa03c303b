namespace TagWorker.Cli;

/// <summary>The command line's own log lines (event ids 8xxx).</summary>
internal static partial class CliLog
{
    [LoggerMessage(8001, LogLevel.Information, "TagWorker service listening on {Addresses} (GET /healthz, /readyz)")]
    public static partial void Listening(ILogger logger, string addresses);
}
