namespace TagWorker.Publisher;

/// <summary>What one publish call sent.</summary>
/// <param name="EventCount">Events (or bodies) given.</param>
/// <param name="MessageCount">Messages sent: more than <paramref name="EventCount"/> when events were split by partition.</param>
/// <param name="BatchCount">Batches (broker calls) they took.</param>
/// <param name="Messages">
/// The messages in the order of the events given (the parts of a split event together); they were sent grouped by
/// session, each session's in this order. Empty after
/// <see cref="TagEventPublisher.PublishUnvalidatedBodiesAsync"/>, which plans nothing.
/// </param>
public sealed record TagEventPublishResult(int EventCount, int MessageCount, int BatchCount, IReadOnlyList<TagEventMessage> Messages);
