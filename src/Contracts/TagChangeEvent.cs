namespace TagWorker.Contracts;

/// <summary>
/// A tag-change event, version 1: the body of one queue message.
/// Accounts and tags are as the publisher sent them; <see cref="TagChangeEventParser"/> validates and de-duplicates them.
/// </summary>
/// <param name="Version">Contract version; only 1 is valid.</param>
/// <param name="EventId">Publisher-chosen idempotency key.</param>
/// <param name="OccurredAt">When the change happened at the publisher.</param>
/// <param name="Op">The operation.</param>
/// <param name="Users">One or more IM accounts the operation applies to.</param>
/// <param name="Tags">The tags to add or remove; empty for <see cref="TagOperation.RemoveAll"/>.</param>
public sealed record TagChangeEvent(
    int Version,
    string EventId,
    DateTimeOffset OccurredAt,
    TagOperation Op,
    IReadOnlyList<string> Users,
    IReadOnlyList<string> Tags)
{
    /// <summary>
    /// The <c>eventId</c> of the dead-lettered event this one replays (set by <c>deadletters replay</c>), or null for
    /// an original event. Informational: the worker applies a replay like any other event. At most
    /// <see cref="TagEventLimits.MaxEventIdLength"/> characters, no control characters.
    /// </summary>
    public string? ReplayOf { get; init; }
}
