using TagWorker.Contracts;

namespace TagWorker.Publisher;

/// <summary>
/// Publishes tag-change events to the configured Service Bus queue or topic, as TagWorker needs them (see
/// <see cref="TagEventPublisher"/> for what each call does). Register with
/// <see cref="TagEventPublisherServiceCollectionExtensions.AddTagEventPublisher(Microsoft.Extensions.DependencyInjection.IServiceCollection, string, Action{TagEventPublisherOptions}?)"/>.
/// </summary>
public interface ITagEventPublisher
{
    /// <summary>Publishes one event (several messages when it is split by partition).</summary>
    /// <inheritdoc cref="PublishAsync(IEnumerable{TagChangeEvent}, CancellationToken)" path="/exception"/>
    Task<TagEventPublishResult> PublishAsync(TagChangeEvent tagEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates every event, splits by partition where the entity uses sessions, and sends the messages in batches,
    /// each user's events in the order given. Returns once every batch was accepted by the broker.
    /// </summary>
    /// <exception cref="InvalidTagEventException">An event breaks the contract; nothing was sent.</exception>
    /// <exception cref="TagEventTooLargeException">A message is larger than the entity allows; nothing was sent.</exception>
    /// <exception cref="Azure.Messaging.ServiceBus.ServiceBusException">
    /// Sending failed after the SDK's retries. Batches before the failing one were sent; publishing the same events
    /// again is safe where duplicate detection is on, since every message id is derived from the event.
    /// </exception>
    Task<TagEventPublishResult> PublishAsync(IEnumerable<TagChangeEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="PublishAsync(IEnumerable{TagChangeEvent}, CancellationToken)"/> for bodies the caller already
    /// holds (UTF-8 JSON events, e.g. lines of a JSON Lines file): each is validated with
    /// <see cref="TagChangeEventParser"/>; one that needs no split is sent byte for byte, and split parts keep every
    /// field but <c>eventId</c> and <c>users</c> (unknown fields such as <c>replayOf</c> included).
    /// </summary>
    /// <inheritdoc cref="PublishAsync(IEnumerable{TagChangeEvent}, CancellationToken)" path="/exception"/>
    Task<TagEventPublishResult> PublishBodiesAsync(IEnumerable<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default);
}
