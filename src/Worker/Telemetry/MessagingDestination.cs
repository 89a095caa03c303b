namespace TagWorker.Telemetry;

/// <summary>
/// Where the worker's messages come from, as the messaging conventions name it: the system (<c>servicebus</c>, or the
/// local queue), the entity (queue or topic; the local queue's file name) and, for a topic, the subscription.
/// </summary>
public sealed record MessagingDestination(string System, string Name, string? SubscriptionName)
{
    /// <summary>Used where no configuration is at hand (tests of single stages).</summary>
    public static MessagingDestination Unspecified { get; } = new(MessagingAttributes.LocalQueueSystem, "unspecified", null);

    /// <summary>Reads <c>Source</c>, <c>ServiceBus:QueueName|TopicName|SubscriptionName</c> and <c>LocalQueue:Path</c>.</summary>
    public static MessagingDestination FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["Source"], "ServiceBus", StringComparison.OrdinalIgnoreCase))
        {
            var queue = configuration["ServiceBus:QueueName"];
            return string.IsNullOrEmpty(queue)
                ? new(MessagingAttributes.ServiceBusSystem, configuration["ServiceBus:TopicName"] ?? string.Empty, NullIfEmpty(configuration["ServiceBus:SubscriptionName"]))
                : new(MessagingAttributes.ServiceBusSystem, queue, null);
        }

        // The file name only: the full path says where the worker runs, not which queue it reads, and it would make
        // the attribute differ between machines.
        var path = configuration["LocalQueue:Path"];
        return new(MessagingAttributes.LocalQueueSystem, string.IsNullOrEmpty(path) ? "tagworker-queue.db" : Path.GetFileName(path), null);
    }

    /// <summary>The attributes every messaging span and metric carries.</summary>
    internal KeyValuePair<string, object?>[] Attributes(string operationName, string operationType)
    {
        var attributes = new List<KeyValuePair<string, object?>>(5)
        {
            new(MessagingAttributes.System, System),
            new(MessagingAttributes.DestinationName, Name),
            new(MessagingAttributes.OperationName, operationName),
            new(MessagingAttributes.OperationType, operationType),
        };
        if (SubscriptionName is not null)
        {
            attributes.Add(new(MessagingAttributes.SubscriptionName, SubscriptionName));
        }

        return [.. attributes];
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
