using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

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
}
