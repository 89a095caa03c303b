namespace TagWorker.Cli;

/// <summary>The process exit codes of the command line (part of the outside interface).</summary>
public static class ExitCodes
{
    /// <summary>Done, or a graceful stop of the service (SIGTERM, Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>The verb ran and something failed (the reason is on standard error), or the service's source failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the settings are wrong (unknown verb or option, invalid <c>Section:Key</c>); nothing ran.</summary>
    public const int Usage = 2;

    /// <summary>A verb was interrupted (SIGINT/SIGTERM) before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
