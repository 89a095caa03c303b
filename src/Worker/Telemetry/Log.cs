namespace TagWorker;

/// <summary>The pipeline's log messages, with stable event ids (1xxx dispatch, 2xxx pipeline, 5xxx settlement, 4xxx hosting).</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Retrying after code {ErrorCode} ({Fault}), attempt {Attempt} in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, int attempt, int errorCode, string? fault, TimeSpan delay);

    [LoggerMessage(1002, LogLevel.Warning, "Frequency limit answered (code {ErrorCode}); backing off {Delay}")]
    public static partial void FrequencyLimited(ILogger logger, int errorCode, TimeSpan delay);

    [LoggerMessage(1003, LogLevel.Information, "UserSig rejected (code {ErrorCode}); renewed it and retrying once")]
    public static partial void UserSigRenewed(ILogger logger, int errorCode);

    [LoggerMessage(1004, LogLevel.Information, "{Endpoint} call with {Users} users was too large (code {ErrorCode}); splitting it")]
    public static partial void RequestSplit(ILogger logger, string endpoint, int users, int errorCode);

    [LoggerMessage(1005, LogLevel.Information, "{Endpoint} call with {Users} users was rejected (code {ErrorCode}: {ErrorInfo}); bisecting to find the rejected users")]
    public static partial void RequestBisected(ILogger logger, string endpoint, int users, int errorCode, string errorInfo);

    [LoggerMessage(1006, LogLevel.Warning, "{Endpoint} rejected user {Account} (code {ErrorCode}: {ErrorInfo}); its messages will be dead-lettered")]
    public static partial void UserRejected(ILogger logger, string endpoint, string account, int errorCode, string errorInfo);

    [LoggerMessage(1007, LogLevel.Warning, "{Endpoint} call with {Users} users still failing after {Attempts} attempts (code {ErrorCode}: {Fault}); its messages go back to the source")]
    public static partial void RetriesExhausted(ILogger logger, string endpoint, int users, int attempts, int errorCode, string? fault);

    [LoggerMessage(1008, LogLevel.Error, "Configuration fault from {Endpoint} (code {ErrorCode}: {ErrorInfo}); opening the circuit: intake stops and messages are abandoned until a probe succeeds")]
    public static partial void ConfigurationFault(ILogger logger, string endpoint, int errorCode, string errorInfo);

    [LoggerMessage(1009, LogLevel.Information, "Configuration-fault circuit probe: {Result}")]
    public static partial void CircuitProbe(ILogger logger, string result);

    [LoggerMessage(1010, LogLevel.Information, "Configuration-fault circuit closed; intake resumes")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(2001, LogLevel.Information, "Message {MessageId} is not a valid event: {Description}")]
    public static partial void InvalidEvent(ILogger logger, string messageId, string description);

    [LoggerMessage(2002, LogLevel.Information, "Draining: {Reason}; {Users} users with unsent changes, {Calls} calls unresolved")]
    public static partial void Draining(ILogger logger, string reason, int users, int calls);

    [LoggerMessage(2003, LogLevel.Error, "The pipeline failed unexpectedly")]
    public static partial void PipelineFailed(ILogger logger, Exception exception);

    [LoggerMessage(5001, LogLevel.Warning, "Could not settle message {MessageId} ({Outcome}); the source will deliver it again")]
    public static partial void SettleFailed(ILogger logger, string messageId, string outcome, Exception exception);

    [LoggerMessage(5002, LogLevel.Warning, "Dead-lettered message {MessageId}: {Reason}: {Description}")]
    public static partial void DeadLettered(ILogger logger, string messageId, string reason, string description);

    [LoggerMessage(4001, LogLevel.Information, "TagWorker started: source {Source}, API {BaseAddress}, {RequestsPerSecond} calls/s per endpoint")]
    public static partial void Started(ILogger logger, string source, string baseAddress, double requestsPerSecond);

    [LoggerMessage(4002, LogLevel.Information, "TagWorker stopped: {Completed} completed, {DeadLettered} dead-lettered, {Abandoned} abandoned")]
    public static partial void Stopped(ILogger logger, long completed, long deadLettered, long abandoned);
}
