namespace TagWorker.Telemetry;

/// <summary>
/// Attribute names and values of the OpenTelemetry messaging semantic conventions (and the Azure Service Bus
/// extension), so that dashboards and alerts built on the conventions read the worker's spans and metrics as they
/// read any other consumer's.
/// </summary>
public static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string DestinationName = "messaging.destination.name";
    public const string SubscriptionName = "messaging.destination.subscription.name";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string MessageId = "messaging.message.id";
    public const string ServiceBusDispositionStatus = "messaging.servicebus.disposition_status";
    public const string ErrorType = "error.type";

    /// <summary><c>messaging.system</c> of Azure Service Bus.</summary>
    public const string ServiceBusSystem = "servicebus";

    /// <summary>
    /// <c>messaging.system</c> of the worker's local SQLite queue (not a system the conventions name, so it is
    /// namespaced like our own attributes).
    /// </summary>
    public const string LocalQueueSystem = "tagworker.local_queue";

    /// <summary><c>messaging.operation.name</c> values.</summary>
    public static class Operations
    {
        public const string Receive = "receive";
        public const string Process = "process";
        public const string Complete = "complete";
        public const string Abandon = "abandon";
        public const string DeadLetter = "dead_letter";
    }

    /// <summary><c>messaging.operation.type</c> values.</summary>
    public static class OperationTypes
    {
        public const string Receive = "receive";
        public const string Process = "process";
        public const string Settle = "settle";
    }
}
