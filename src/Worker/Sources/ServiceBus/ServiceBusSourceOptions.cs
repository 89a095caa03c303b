using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Settings of the Azure Service Bus source and writer, bound from the <c>ServiceBus</c> configuration section and
/// validated at start-up.
/// </summary>
/// <remarks>
/// Connect with exactly one of <see cref="ConnectionString"/> (a secret: never logged, never part of
/// <see cref="ToString"/>) or <see cref="FullyQualifiedNamespace"/> (Microsoft Entra ID through the registered
/// <c>TokenCredential</c>, e.g. workload identity in Kubernetes). Use exactly one entity: <see cref="QueueName"/>, or
/// <see cref="TopicName"/> with <see cref="SubscriptionName"/>. Blank values count as unset.
/// </remarks>
public sealed class ServiceBusSourceOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ServiceBus";

    /// <summary>Shared-access connection string (a secret). Mutually exclusive with <see cref="FullyQualifiedNamespace"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Namespace host name such as <c>contoso.servicebus.windows.net</c>, for Microsoft Entra ID authentication.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The queue to receive from and send to. Mutually exclusive with <see cref="TopicName"/>.</summary>
    public string? QueueName { get; set; }

    /// <summary>The topic to send to; receiving uses <see cref="SubscriptionName"/> of it.</summary>
    public string? TopicName { get; set; }

    /// <summary>The subscription of <see cref="TopicName"/> to receive from.</summary>
    public string? SubscriptionName { get; set; }

    /// <summary>Messages the receiver fetches ahead of the pipeline (per session when sessions are on). Default 1000; 0 to 10,000.</summary>
    [Range(0, 10_000, ErrorMessage = "ServiceBus:PrefetchCount must be between {1} and {2}.")]
    public int PrefetchCount { get; set; } = 1000;

    /// <summary>
    /// Most messages handed to the pipeline and not yet settled, across all sessions. The pipeline holds a message
    /// until every user it names was applied, so this must cover several full 100-user requests. Default 2000;
    /// 1 to 100,000.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "ServiceBus:MaxConcurrentMessages must be between {1} and {2}.")]
    public int MaxConcurrentMessages { get; set; } = 2000;

    /// <summary>
    /// How long the processor keeps renewing a lock (message lock, or session lock when sessions are on) while the
    /// pipeline works. Default 5 minutes; 10 seconds to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00", ErrorMessage = "ServiceBus:MaxAutoLockRenewal must be between {1} and {2}.")]
    public TimeSpan MaxAutoLockRenewal { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the entity requires sessions (SessionId = the users' partition key). Default false.</summary>
    public bool SessionsEnabled { get; set; }

    /// <summary>
    /// How many session partitions publishers spread users over (<c>TagEventPartitioner.SessionIdFor(user, N)</c>);
    /// must match the publishers. Default 16; 1 to 4096.
    /// </summary>
    [Range(1, 4096, ErrorMessage = "ServiceBus:PartitionCount must be between {1} and {2}.")]
    public int PartitionCount { get; set; } = 16;

    /// <summary>Sessions received at once when <see cref="SessionsEnabled"/>. Default 8; 1 to 1000.</summary>
    [Range(1, 1000, ErrorMessage = "ServiceBus:MaxConcurrentSessions must be between {1} and {2}.")]
    public int MaxConcurrentSessions { get; set; } = 8;

    /// <summary>
    /// With sessions, how long an idle session is kept before its slot goes to another session. Default 5 seconds;
    /// 1 second to 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "ServiceBus:SessionIdleTimeout must be between {1} and {2}.")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The entity path as the SDK names it: the queue, or <c>topic/Subscriptions/subscription</c>.</summary>
    internal string ReceiveEntityPath => IsSet(QueueName) ? QueueName! : $"{TopicName}/Subscriptions/{SubscriptionName}";

    /// <summary>The entity messages are sent to: the queue or the topic.</summary>
    internal string SendEntityName => IsSet(QueueName) ? QueueName! : TopicName!;

    /// <summary>A description for logs and diagnostics; the connection string is never part of it.</summary>
    public override string ToString()
    {
        string connection = IsSet(ConnectionString)
            ? "connection string (redacted)"
            : $"{FullyQualifiedNamespace} (Microsoft Entra ID)";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"ServiceBus {{ {connection}, entity {ReceiveEntityPath}, PrefetchCount {PrefetchCount}, MaxConcurrentMessages {MaxConcurrentMessages}, MaxAutoLockRenewal {MaxAutoLockRenewal}, SessionsEnabled {SessionsEnabled}, MaxConcurrentSessions {MaxConcurrentSessions}, SessionIdleTimeout {SessionIdleTimeout} }}");
    }

    internal static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);
}
