using System.Globalization;
using Microsoft.Extensions.Options;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// The rules of <see cref="TagEventPublisherOptions"/>: one way to connect, one entity, a partition count with
/// sessions. Messages name the configuration key (<c>Section:Key</c>) and never repeat the connection string.
/// </summary>
/// <param name="section">The configuration section the options were bound from, for the messages.</param>
/// <param name="containerHasCredential">Whether a <c>TokenCredential</c> is registered, as a fallback for <see cref="TagEventPublisherOptions.Credential"/>.</param>
internal sealed class TagEventPublisherOptionsValidator(string section, Func<bool> containerHasCredential) : IValidateOptions<TagEventPublisherOptions>
{
    private const int MaxMessagesPerBatchLimit = 10_000;

    public ValidateOptionsResult Validate(string? name, TagEventPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateConnection(options, failures);
        ValidateEntity(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The rules that hold whoever made the client: entity, sessions and batching.</summary>
    public void ValidateEntity(TagEventPublisherOptions options, List<string> failures)
    {
        bool hasQueue = TagEventPublisherOptions.IsSet(options.QueueName);
        bool hasTopic = TagEventPublisherOptions.IsSet(options.TopicName);
        if (hasQueue && hasTopic)
        {
            failures.Add($"{section}:QueueName and {section}:TopicName are both set; set exactly one.");
        }
        else if (!hasQueue && !hasTopic)
        {
            failures.Add($"No entity is set: set {section}:QueueName or {section}:TopicName.");
        }

        if (options.SessionsEnabled && options.PartitionCount is null)
        {
            failures.Add($"{section}:PartitionCount is required when {section}:SessionsEnabled is true " +
                "(the number of partitions users are hashed into; every publisher and the worker must use the same value).");
        }

        if (options.PartitionCount is { } partitions && partitions is < 1 or > TagEventPublisherOptions.MaxPartitionCount)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{section}:PartitionCount must be between 1 and {TagEventPublisherOptions.MaxPartitionCount}, found {partitions}."));
        }

        if (options.MaxMessagesPerBatch is { } max && max is < 1 or > MaxMessagesPerBatchLimit)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{section}:MaxMessagesPerBatch must be between 1 and {MaxMessagesPerBatchLimit}, found {max}."));
        }
    }

    private void ValidateConnection(TagEventPublisherOptions options, List<string> failures)
    {
        bool hasConnectionString = TagEventPublisherOptions.IsSet(options.ConnectionString);
        bool hasNamespace = TagEventPublisherOptions.IsSet(options.FullyQualifiedNamespace);
        if (hasConnectionString && hasNamespace)
        {
            failures.Add($"{section}:ConnectionString and {section}:FullyQualifiedNamespace are both set; set exactly one.");
        }
        else if (!hasConnectionString && !hasNamespace)
        {
            failures.Add($"Neither {section}:ConnectionString nor {section}:FullyQualifiedNamespace is set; set exactly one.");
        }
        else if (hasConnectionString)
        {
            ServiceBusConnectionStringCheck.Validate(
                section,
                options.ConnectionString,
                TagEventPublisherOptions.IsSet(options.QueueName) ? options.QueueName : options.TopicName,
                failures);
        }
        else if (Uri.CheckHostName(options.FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            failures.Add($"{section}:FullyQualifiedNamespace must be a host name such as contoso.servicebus.windows.net, " +
                "without scheme, port or path.");
        }
        else if (options.Credential is null && !containerHasCredential())
        {
            failures.Add($"{section}:FullyQualifiedNamespace is set, so Service Bus authenticates with Microsoft Entra ID, but no " +
                "credential is given: set TagEventPublisherOptions.Credential or register an Azure.Core.TokenCredential " +
                "(e.g. DefaultAzureCredential, which uses workload identity in Kubernetes).");
        }
    }
}
