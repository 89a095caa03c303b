namespace TagWorker;

/// <summary>Log messages of the ordering and redelivery rules (26xx pipeline, 56xx settlement).</summary>
internal static partial class Log
{
    [LoggerMessage(2601, LogLevel.Debug, "Message {MessageId} (sequence {Sequence}) waits for user {Account}: an earlier message of that user is on its way back")]
    public static partial void ParkedBehindEarlier(ILogger logger, string messageId, long sequence, string account);

    [LoggerMessage(2602, LogLevel.Information, "Message {MessageId} (sequence {Sequence}) is a redelivery of changes already applied; completing it without sending")]
    public static partial void RedeliveryRecognised(ILogger logger, string messageId, long sequence);

    [LoggerMessage(2603, LogLevel.Warning, "Lost the lock of message {MessageId} (sequence {Sequence}); dropping the unsent changes of its users, the broker delivers it again")]
    public static partial void LockLost(ILogger logger, string messageId, long sequence);

    [LoggerMessage(2604, LogLevel.Warning, "A message of the same users could not be settled; intake stops and fences so that it comes back before anything newer")]
    public static partial void FenceRequested(ILogger logger);

    [LoggerMessage(2605, LogLevel.Information, "User {Account}: a merged fold of {Messages} messages was refused (code {ErrorCode}); replaying them one at a time to find the one that fails")]
    public static partial void ReplayingOneByOne(ILogger logger, string account, int messages, int errorCode);

    [LoggerMessage(2606, LogLevel.Warning, "User {Account}: retries exhausted (code {ErrorCode}) but message {MessageId} is at its last delivery ({DeliveryCount} of {MaxDeliveryCount}); keeping it and retrying later instead of abandoning it into the dead-letter store")]
    public static partial void KeptAtLastDelivery(ILogger logger, string account, string messageId, int deliveryCount, int maxDeliveryCount, int errorCode);

    [LoggerMessage(2607, LogLevel.Warning, "Message {MessageId} is in session {SessionId}, but user {Account} belongs to partition {Partition}; dead-lettering it as WrongSession")]
    public static partial void WrongSession(ILogger logger, string messageId, string sessionId, string account, string partition);

    [LoggerMessage(5601, LogLevel.Information, "Message {MessageId} was to complete, but an earlier message of one of its users went back to the source; abandoning it so it comes back after that one")]
    public static partial void CompletionDowngraded(ILogger logger, string messageId);

    [LoggerMessage(1601, LogLevel.Error, "Outage of {Endpoint} (last fault {Fault}): its calls are held and intake stops; the next call is let through in {BreakDuration}")]
    public static partial void OutageOpened(ILogger logger, string endpoint, string fault, TimeSpan breakDuration);

    [LoggerMessage(1602, LogLevel.Information, "{Endpoint} answers again; its outage circuit closed")]
    public static partial void OutageClosed(ILogger logger, string endpoint);
}
