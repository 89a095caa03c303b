namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// One SIGKILL of a crash run: when (messages settled so far, simulator calls the killed process saw), the exit code
/// it left, and how many messages it left leased (the dead process's leases, the case a restart must handle).
/// </summary>
internal sealed record KillPoint(int Number, long SettledBefore, long CallsInLife, TimeSpan At, int ExitCode, long LeasedAfterKill);
