using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using TagWorker.Publisher;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The <see cref="ITagEventWriter"/> for Azure Service Bus, through <see cref="TagEventPublisher"/>: bodies are
/// validated with the contract, split by partition when <see cref="ServiceBusSourceOptions.SessionsEnabled"/>
/// (<c>SessionId</c> = <c>TagEventPartitioner.SessionIdFor(user, ServiceBus:PartitionCount)</c>), sent with
/// <c>MessageId</c> = <c>eventId</c> and content type <c>application/json</c> in batches as large as the entity allows,
/// each session's messages in the given order. See docs/events.md, "Publishing with TagWorker.Publisher".
/// </summary>
public sealed class ServiceBusWriter : ITagEventWriter, IAsyncDisposable
{
    private readonly TagEventPublisher _publisher;

    /// <param name="client">The worker's Service Bus client (kept and disposed by the container).</param>
    /// <param name="options">The entity, sessions and partition count.</param>
    public ServiceBusWriter(ServiceBusClient client, IOptions<ServiceBusSourceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ServiceBusSourceOptions settings = options.Value;
        _publisher = new TagEventPublisher(client, new TagEventPublisherOptions
        {
            QueueName = settings.QueueName,
            TopicName = ServiceBusSourceOptions.IsSet(settings.QueueName) ? null : settings.TopicName,
            SessionsEnabled = settings.SessionsEnabled,
            PartitionCount = settings.PartitionCount,
        });
    }

    /// <inheritdoc />
    /// <exception cref="InvalidTagEventException">A body is not a valid event; nothing was sent.</exception>
    /// <exception cref="TagEventTooLargeException">A message is larger than the entity allows; nothing was sent.</exception>
    public Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
        _publisher.PublishBodiesAsync(bodies, cancellationToken);

    /// <inheritdoc />
    public Task EnqueueUnvalidatedAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
        _publisher.PublishUnvalidatedBodiesAsync(bodies, cancellationToken);

    public ValueTask DisposeAsync() => _publisher.DisposeAsync();
}
