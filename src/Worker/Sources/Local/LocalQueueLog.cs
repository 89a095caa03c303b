using Microsoft.Extensions.Logging;

namespace TagWorker.Sources.Local;

/// <summary>Log events of the local queue; ids 1100-1199 are reserved for it.</summary>
internal static partial class LocalQueueLog
{
    [LoggerMessage(EventId = 1100, EventName = "LocalQueueOpened", Level = LogLevel.Information,
        Message = "Local queue opened at {Path}")]
    public static partial void QueueOpened(ILogger logger, string path);

    [LoggerMessage(EventId = 1101, EventName = "LocalQueueMaxDeliveryCountExceeded", Level = LogLevel.Warning,
        Message = "Local queue message {MessageId} (sequence {SequenceNumber}) was delivered {DeliveryCount} times without being settled; moved to the dead-letter store")]
    public static partial void MaxDeliveryCountExceeded(ILogger logger, string messageId, long sequenceNumber, int deliveryCount);

    [LoggerMessage(EventId = 1102, EventName = "LocalQueueSourceStarted", Level = LogLevel.Information,
        Message = "Receiving from the local queue (at most {MaxConcurrentMessages} unsettled messages)")]
    public static partial void SourceStarted(ILogger logger, int maxConcurrentMessages);

    [LoggerMessage(EventId = 1103, EventName = "LocalQueueSourceStopped", Level = LogLevel.Information,
        Message = "Stopped receiving from the local queue; {Outstanding} messages are still unsettled")]
    public static partial void SourceStopped(ILogger logger, int outstanding);

    [LoggerMessage(EventId = 1104, EventName = "LocalQueueLocksRenewed", Level = LogLevel.Debug,
        Message = "Renewed the locks of {Renewed} local queue messages; {Lost} locks were lost")]
    public static partial void LocksRenewed(ILogger logger, int renewed, int lost);

    [LoggerMessage(EventId = 1105, EventName = "LocalQueueLockLost", Level = LogLevel.Warning,
        Message = "The lock on local queue message {MessageId} (sequence {SequenceNumber}) was lost before it was settled; it will be delivered again")]
    public static partial void LockLost(ILogger logger, string messageId, long sequenceNumber);

    [LoggerMessage(EventId = 1106, EventName = "LocalQueueLockRenewalFailed", Level = LogLevel.Error,
        Message = "Renewing local queue message locks failed; retrying at the next renewal pass")]
    public static partial void LockRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1107, EventName = "LocalQueueAbandonFailed", Level = LogLevel.Warning,
        Message = "Could not give back local queue message {MessageId} that was not handed out; it will be delivered again when its lock expires")]
    public static partial void AbandonFailed(ILogger logger, string messageId, Exception exception);
}
