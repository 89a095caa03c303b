using System.Globalization;
using TagWorker.Contracts;
using TagWorker.Publisher.Internal;

namespace TagWorker.Publisher;

/// <summary>
/// The <c>eventId</c> of one part of a split event. Rule (fixed: changing it defeats duplicate detection of re-sent
/// events): the name-based UUID version 5 (RFC 9562) in namespace <see cref="Namespace"/>
/// (<c>c54c757b-4b18-4e74-a63c-0158acba131b</c>) of the name <c>{eventId}:{partition}/{partitionCount}</c>, where
/// <c>partition</c> is the part's session id (<see cref="TagEventPartitioner.SessionIdFor"/>), both numbers in decimal,
/// written in lower case with hyphens (36 characters). In Python:
/// <c>str(uuid.uuid5(uuid.UUID("c54c757b-4b18-4e74-a63c-0158acba131b"), f"{event_id}:{partition}/{n}"))</c>.
/// </summary>
/// <remarks>
/// Deterministic, so re-publishing the same event yields the same ids and duplicate detection drops the copy;
/// distinct for different partitions, partition counts and original ids (the name is unambiguous: an
/// <c>eventId</c> may contain <c>:</c>, but the text after the last <c>:</c> is digits and <c>/</c>); always within
/// the contract's 128 characters whatever the original's length; never equal to a publisher's own id except by a
/// SHA-1 collision. The partition count is part of the name because a different count groups the users differently.
/// </remarks>
public static class SplitEventId
{
    /// <summary>The UUID namespace of split-event ids, chosen at random once.</summary>
    public static readonly Guid Namespace = new("c54c757b-4b18-4e74-a63c-0158acba131b");

    /// <summary>The id of the part of event <paramref name="eventId"/> holding the users of <paramref name="partition"/>.</summary>
    /// <param name="eventId">The original event's id (non-empty).</param>
    /// <param name="partition">The part's partition, 0 to <paramref name="partitionCount"/> - 1.</param>
    /// <param name="partitionCount">How many partitions; at least 1.</param>
    /// <exception cref="ArgumentException"><paramref name="eventId"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The partition is not one of <paramref name="partitionCount"/>.</exception>
    public static string For(string eventId, int partition, int partitionCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, partitionCount);
        string name = string.Create(CultureInfo.InvariantCulture, $"{eventId}:{partition}/{partitionCount}");
        return NameBasedUuid.Version5(Namespace, name).ToString("D", CultureInfo.InvariantCulture);
    }
}
