namespace TagWorker.ImSimulator.Hosting;

/// <summary>The simulator's log messages (event ids 1–99 are stable). UserSigs and keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Frequency limit: {Command} refused a call beyond {Limit} calls in one second")]
    public static partial void FrequencyLimitExceeded(ILogger logger, string command, int limit);

    [LoggerMessage(2, LogLevel.Debug, "{Command} answered {ErrorCode}: {ErrorInfo}")]
    public static partial void CallFailed(ILogger logger, string command, int errorCode, string errorInfo);

    [LoggerMessage(3, LogLevel.Debug, "{Command}: injected fault {Fault}")]
    public static partial void FaultInjected(ILogger logger, string command, string fault);

    [LoggerMessage(4, LogLevel.Information, "Faults changed: 91000 rate {ErrorRate91000}, 502 rate {Http502Rate}, drop rate {DropConnectionRate}, lost-response rate {LostResponseRate}, latency {Latency} ± {LatencyJitter}, forced code {ForcedErrorCode}, seed {Seed}")]
    public static partial void FaultsChanged(
        ILogger logger, double errorRate91000, double http502Rate, double dropConnectionRate, double lostResponseRate, TimeSpan latency, TimeSpan latencyJitter, int? forcedErrorCode, int? seed);

    [LoggerMessage(5, LogLevel.Information, "State, counters and rate windows reset")]
    public static partial void StateReset(ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "Frequency limits changed: {Limits}")]
    public static partial void LimitsChanged(ILogger logger, string limits);
}
