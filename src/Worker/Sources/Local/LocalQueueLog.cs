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

    // 1104-1106 were lock renewal's (gone: leases do not expire while the owner lives); not reused.

    [LoggerMessage(EventId = 1107, EventName = "LocalQueueAbandonFailed", Level = LogLevel.Warning,
        Message = "Could not give back local queue message {MessageId} that was not handed out; it will be delivered again once its lease is reclaimed")]
    public static partial void AbandonFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 1108, EventName = "LocalQueueOwnershipTaken", Level = LogLevel.Information,
        Message = "Took ownership of the local queue at {Path} (process {ProcessId}); reclaimed {Reclaimed} leases of earlier owners")]
    public static partial void OwnershipTaken(ILogger logger, string path, int processId, int reclaimed);

    [LoggerMessage(EventId = 1109, EventName = "LocalQueueLeasesReclaimed", Level = LogLevel.Warning,
        Message = "Reclaimed {Reclaimed} leases of the local queue at {Path} that no handed-out message held (their settle failed); they are delivered again before anything newer")]
    public static partial void LeasesReclaimed(ILogger logger, string path, int reclaimed);

    [LoggerMessage(EventId = 1110, EventName = "LocalQueueSchemaMigrated", Level = LogLevel.Information,
        Message = "Migrated the local queue at {Path} from schema version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string path, long from, int to);
}
