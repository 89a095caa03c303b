using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>Log messages of the Service Bus source (event ids 3100–3199). None carries a secret.</summary>
internal static partial class ServiceBusLog
{
    [LoggerMessage(EventId = 3100, EventName = "ServiceBusSourceStarted", Level = LogLevel.Information,
        Message = "Receiving from Service Bus {EntityPath} on {FullyQualifiedNamespace} (sessions: {SessionsEnabled}, at most {MaxConcurrentMessages} unsettled messages)")]
    public static partial void SourceStarted(ILogger logger, string entityPath, string? fullyQualifiedNamespace, bool sessionsEnabled, int maxConcurrentMessages);

    [LoggerMessage(EventId = 3101, EventName = "ServiceBusSourceStopping", Level = LogLevel.Information,
        Message = "Stopping the Service Bus source on {EntityPath}: no new messages; waiting for the pipeline to settle the ones it holds")]
    public static partial void SourceStopping(ILogger logger, string entityPath);

    [LoggerMessage(EventId = 3102, EventName = "ServiceBusSourceStopped", Level = LogLevel.Information,
        Message = "Stopped the Service Bus source on {EntityPath}")]
    public static partial void SourceStopped(ILogger logger, string entityPath);

    [LoggerMessage(EventId = 3103, EventName = "ServiceBusProcessorError", Level = LogLevel.Warning,
        Message = "Service Bus processor error during {ErrorSource} on {EntityPath}")]
    public static partial void ProcessorError(ILogger logger, Exception exception, ServiceBusErrorSource errorSource, string? entityPath);

    [LoggerMessage(EventId = 3104, EventName = "ServiceBusHandOffFailed", Level = LogLevel.Error,
        Message = "Handing Service Bus message {MessageId} to the pipeline failed; abandoning it")]
    public static partial void HandOffFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 3105, EventName = "ServiceBusAbandonFailed", Level = LogLevel.Warning,
        Message = "Abandoning Service Bus message {MessageId} failed; it comes back when its lock expires")]
    public static partial void AbandonFailed(ILogger logger, string? messageId, Exception exception);

    [LoggerMessage(EventId = 3106, EventName = "ServiceBusIntakeFenced", Level = LogLevel.Information,
        Message = "Not receiving from Service Bus {EntityPath} for {FenceDuration} ({Reason}): without sessions, messages an earlier receiver may still hold locked come back only when their locks expire (ServiceBus:EntityLockDuration {EntityLockDuration}), and they must be received before anything newer")]
    public static partial void IntakeFenced(ILogger logger, string entityPath, TimeSpan fenceDuration, FenceReason reason, TimeSpan entityLockDuration);

    [LoggerMessage(EventId = 3107, EventName = "ServiceBusIntakeFenceEnded", Level = LogLevel.Information,
        Message = "Receiving from Service Bus {EntityPath} again after the fence")]
    public static partial void IntakeFenceEnded(ILogger logger, string entityPath);

    [LoggerMessage(EventId = 3108, EventName = "ServiceBusLockTooShortAtHandOff", Level = LogLevel.Warning,
        Message = "Service Bus message {MessageId} (sequence number {SequenceNumber}) reached hand-off with its lock ending at {LockedUntil}, less than {Margin} away: abandoning it and the {FollowingCount} received after it, then fencing")]
    public static partial void LockTooShortAtHandOff(ILogger logger, string? messageId, long sequenceNumber, DateTimeOffset lockedUntil, TimeSpan margin, int followingCount);

    [LoggerMessage(EventId = 3109, EventName = "ServiceBusSessionLockLost", Level = LogLevel.Warning,
        Message = "The lock of Service Bus session {SessionId} was lost: its unsettled messages are left to the broker, which delivers them again in order to whoever takes the session")]
    public static partial void SessionLockLost(ILogger logger, string? sessionId);

    [LoggerMessage(EventId = 3110, EventName = "ServiceBusPrefetchAbandoned", Level = LogLevel.Information,
        Message = "Stopping: abandoned {Count} prefetched Service Bus messages")]
    public static partial void PrefetchAbandoned(ILogger logger, int count);

    [LoggerMessage(EventId = 3111, EventName = "ServiceBusPrefetchDrainFailed", Level = LogLevel.Warning,
        Message = "Stopping: taking the prefetched Service Bus messages back failed; they come back when their locks expire")]
    public static partial void PrefetchDrainFailed(ILogger logger, Exception exception);
}
