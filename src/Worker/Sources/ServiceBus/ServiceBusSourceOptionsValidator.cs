using Microsoft.Extensions.Options;
using TagWorker.Publisher.Internal;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The cross-field rules of <see cref="ServiceBusSourceOptions"/>: one way to connect, one entity, and lock timings that
/// let every scope drain while its locks are still renewed. Messages name the configuration keys and never repeat
/// the connection string.
/// </summary>
internal sealed class ServiceBusSourceOptionsValidator : IValidateOptions<ServiceBusSourceOptions>
{
    private const string Section = ServiceBusSourceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ServiceBusSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateConnection(options, failures);
        ValidateEntity(options, failures);
        ValidateLockTimings(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateConnection(ServiceBusSourceOptions options, List<string> failures)
    {
        bool hasConnectionString = ServiceBusSourceOptions.IsSet(options.ConnectionString);
        bool hasNamespace = ServiceBusSourceOptions.IsSet(options.FullyQualifiedNamespace);
        if (hasConnectionString && hasNamespace)
        {
            failures.Add($"{Section}:ConnectionString and {Section}:FullyQualifiedNamespace are both set; set exactly one " +
                $"({Section}:FullyQualifiedNamespace authenticates with Microsoft Entra ID, e.g. workload identity).");
        }
        else if (!hasConnectionString && !hasNamespace)
        {
            failures.Add($"Neither {Section}:ConnectionString nor {Section}:FullyQualifiedNamespace is set; set exactly one.");
        }
        else if (hasConnectionString)
        {
            ServiceBusConnectionStringCheck.Validate(
                Section,
                options.ConnectionString,
                ServiceBusSourceOptions.IsSet(options.QueueName) ? options.QueueName : options.TopicName,
                failures);
        }
        else if (Uri.CheckHostName(options.FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            failures.Add($"{Section}:FullyQualifiedNamespace must be a host name such as contoso.servicebus.windows.net, " +
                "without scheme, port or path.");
        }
    }

    private static void ValidateEntity(ServiceBusSourceOptions options, List<string> failures)
    {
        bool hasQueue = ServiceBusSourceOptions.IsSet(options.QueueName);
        bool hasTopic = ServiceBusSourceOptions.IsSet(options.TopicName);
        bool hasSubscription = ServiceBusSourceOptions.IsSet(options.SubscriptionName);
        if (hasQueue && (hasTopic || hasSubscription))
        {
            failures.Add($"{Section}:QueueName and {Section}:TopicName/{Section}:SubscriptionName are both set; " +
                "use either a queue or a topic subscription.");
        }
        else if (!hasQueue && !hasTopic && !hasSubscription)
        {
            failures.Add($"No entity is set: set {Section}:QueueName, or {Section}:TopicName and {Section}:SubscriptionName.");
        }
        else if (hasTopic && !hasSubscription)
        {
            failures.Add($"{Section}:SubscriptionName is required with {Section}:TopicName.");
        }
        else if (hasSubscription && !hasTopic)
        {
            failures.Add($"{Section}:TopicName is required with {Section}:SubscriptionName.");
        }
    }

    private static void ValidateLockTimings(ServiceBusSourceOptions options, List<string> failures)
    {
        // The processor stops renewing at MaxAutoLockRenewal; a renewal period shorter than one lock never renews.
        if (options.MaxAutoLockRenewal <= options.EntityLockDuration)
        {
            failures.Add($"{Section}:MaxAutoLockRenewal ({options.MaxAutoLockRenewal}) must be longer than {Section}:EntityLockDuration " +
                $"({options.EntityLockDuration}): the processor renews locks only for MaxAutoLockRenewal.");
        }

        // A session's renewal period starts when the processor accepts it, which can be SessionIdleTimeout before the
        // scope starts; the scope then takes messages for half the period, and the rest is the drain's.
        if (options.SessionsEnabled && options.SessionIdleTimeout >= options.MaxAutoLockRenewal / 2)
        {
            failures.Add($"{Section}:SessionIdleTimeout ({options.SessionIdleTimeout}) must be less than half of {Section}:MaxAutoLockRenewal " +
                $"({options.MaxAutoLockRenewal}) with sessions: a session's lock is renewed only so long after it is accepted.");
        }
    }
}
