using System.Globalization;
using Azure.Core;

namespace TagWorker.Publisher;

/// <summary>
/// Where and how <see cref="TagEventPublisher"/> sends events. The keys mean what the worker's <c>ServiceBus:*</c>
/// keys of the same name mean, so a service can bind the worker's own section (the default, <c>ServiceBus</c>);
/// keys the publisher does not use (<c>SubscriptionName</c>, <c>PrefetchCount</c>, …) are ignored. Validated at
/// start-up by <see cref="TagEventPublisherServiceCollectionExtensions.AddTagEventPublisher(Microsoft.Extensions.DependencyInjection.IServiceCollection, string, Action{TagEventPublisherOptions}?)"/>,
/// with messages that name the key. Blank strings count as unset.
/// </summary>
public sealed class TagEventPublisherOptions
{
    /// <summary>The section bound when none is given: the worker's.</summary>
    public const string DefaultSectionName = "ServiceBus";

    /// <summary>Most partitions <see cref="PartitionCount"/> may name.</summary>
    public const int MaxPartitionCount = 10_000;

    /// <summary>
    /// Shared-access connection string (a secret: never logged, never part of <see cref="ToString"/>). Mutually
    /// exclusive with <see cref="FullyQualifiedNamespace"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Namespace host name such as <c>contoso.servicebus.windows.net</c>, for Microsoft Entra ID authentication with
    /// <see cref="Credential"/> (or, when that is null, the <see cref="TokenCredential"/> registered in the container).
    /// </summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// The credential for <see cref="FullyQualifiedNamespace"/>; set it in code (it is not read from configuration),
    /// e.g. to <c>DefaultAzureCredential</c>, which uses workload identity in Kubernetes.
    /// </summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>The queue to send to. Mutually exclusive with <see cref="TopicName"/>.</summary>
    public string? QueueName { get; set; }

    /// <summary>The topic to send to.</summary>
    public string? TopicName { get; set; }

    /// <summary>
    /// Whether the entity requires sessions. When true every message carries <c>SessionId</c> =
    /// <c>TagEventPartitioner.SessionIdFor(user, PartitionCount)</c> of its users, and an event whose users fall in
    /// several partitions is split into one event per partition. Default false.
    /// </summary>
    public bool SessionsEnabled { get; set; }

    /// <summary>
    /// How many partitions (sessions) users are hashed into; required when <see cref="SessionsEnabled"/>, 1 to
    /// <see cref="MaxPartitionCount"/>. Every publisher and the worker must use the same value.
    /// </summary>
    public int? PartitionCount { get; set; }

    /// <summary>
    /// Most messages in one batch; unset (the default) fills each batch up to the entity's size limit. Set it to 1 for
    /// a partitioned entity with duplicate detection, which refuses batches of messages with different
    /// <c>MessageId</c>s. 1 to 10,000.
    /// </summary>
    public int? MaxMessagesPerBatch { get; set; }

    /// <summary>The entity messages are sent to: the queue or the topic.</summary>
    internal string EntityName => IsSet(QueueName) ? QueueName! : TopicName!;

    /// <summary>The partition count the planner uses: null when the entity has no sessions.</summary>
    internal int? EffectivePartitionCount => SessionsEnabled ? PartitionCount : null;

    /// <summary>A description for logs and diagnostics; the connection string is never part of it.</summary>
    public override string ToString()
    {
        string connection = IsSet(ConnectionString)
            ? "connection string (redacted)"
            : $"{FullyQualifiedNamespace} (Microsoft Entra ID)";
        string entity = IsSet(QueueName) ? $"queue {QueueName}" : $"topic {TopicName}";
        string sessions = SessionsEnabled ? $"sessions over {PartitionCount} partitions" : "no sessions";
        string batch = MaxMessagesPerBatch is { } max ? $"at most {max} messages a batch" : "batches up to the entity's size limit";
        return string.Create(CultureInfo.InvariantCulture, $"TagEventPublisher {{ {connection}, {entity}, {sessions}, {batch} }}");
    }

    internal static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);
}
