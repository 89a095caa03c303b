namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>One SIGKILL of a crash run: when (messages settled so far, simulator calls the killed process saw) and the exit code it left.</summary>
internal sealed record KillPoint(int Number, long SettledBefore, long CallsInLife, TimeSpan At, int ExitCode);
