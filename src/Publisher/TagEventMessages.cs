using System.Globalization;
using TagWorker.Contracts;
using TagWorker.Publisher.Internal;

namespace TagWorker.Publisher;

/// <summary>
/// Turns events into the messages the publisher sends, without sending anything: each event is validated with the
/// contract's rules (<see cref="TagChangeEventParser"/>), and, when the entity uses sessions, an event whose users fall
/// in several partitions is split into one event per partition. <see cref="TagEventPublisher"/> sends exactly these;
/// use them directly for a dry run.
/// </summary>
/// <remarks>
/// <para>Split rule: the users (de-duplicated) are grouped by <see cref="TagEventPartitioner.SessionIdFor"/>; each
/// group becomes a part holding that partition's users in their original order, with <c>eventId</c> =
/// <see cref="SplitEventId.For"/>(original, partition, partitionCount), <c>SessionId</c> = the partition, and every other
/// field as the original had it. Parts come in the order in which their partition's first user appears. An event
/// whose users all fall in one partition is not split: it keeps its body and <c>eventId</c>.</para>
/// <para>Without sessions (<c>partitionCount</c> null) every event is one message, with its body and no session.</para>
/// </remarks>
public static class TagEventMessages
{
    /// <summary>The messages for <paramref name="events"/>, in order.</summary>
    /// <param name="events">The events; each is serialized with <see cref="TagChangeEventSerializer"/>.</param>
    /// <param name="partitionCount">The entity's partition count when it uses sessions; null when it does not.</param>
    /// <exception cref="InvalidTagEventException">An event breaks the contract (the first such event is named).</exception>
    /// <exception cref="ArgumentException">An event is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is less than 1.</exception>
    public static IReadOnlyList<TagEventMessage> Plan(IEnumerable<TagChangeEvent> events, int? partitionCount)
    {
        ArgumentNullException.ThrowIfNull(events);
        CheckPartitionCount(partitionCount);
        var messages = new List<TagEventMessage>();
        int index = 0;
        foreach (TagChangeEvent e in events)
        {
            if (e is null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Event {index} is null; nothing was sent."), nameof(events));
            }

            AddValidated(messages, index, Serialize(e, index, nameof(events)), e.EventId, partitionCount, nameof(events));
            index++;
        }

        return messages;
    }

    /// <summary>
    /// The messages for event bodies the caller already has (UTF-8 JSON, e.g. lines of a JSON Lines file or a
    /// replayed dead letter), in order. A body that needs no split is sent byte for byte; a split part keeps every
    /// field of the original but <c>eventId</c> and <c>users</c>, unknown fields included.
    /// </summary>
    /// <inheritdoc cref="Plan" path="/param[@name='partitionCount']"/>
    /// <exception cref="InvalidTagEventException">A body is not a valid event (the first such body is named).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is less than 1.</exception>
    public static IReadOnlyList<TagEventMessage> PlanBodies(IEnumerable<ReadOnlyMemory<byte>> bodies, int? partitionCount)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        CheckPartitionCount(partitionCount);
        var messages = new List<TagEventMessage>();
        int index = 0;
        foreach (ReadOnlyMemory<byte> body in bodies)
        {
            AddValidated(messages, index, body, eventIdHint: null, partitionCount, nameof(bodies));
            index++;
        }

        return messages;
    }

    private static void CheckPartitionCount(int? partitionCount)
    {
        if (partitionCount is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(partitionCount));
        }
    }

    private static byte[] Serialize(TagChangeEvent e, int index, string paramName)
    {
        if (!Enum.IsDefined(e.Op))
        {
            string op = ((int)e.Op).ToString(CultureInfo.InvariantCulture);
            throw new InvalidTagEventException(
                index,
                null,
                [new EventValidationError(EventValidationCodes.UnknownOp, "op", op, $"op {op} is not a defined TagOperation")],
                paramName);
        }

        if (UnpairedSurrogates.Find(e) is { Count: > 0 } surrogates)
        {
            throw new InvalidTagEventException(index, LenientEventFields.IsShowable(e.EventId) ? e.EventId : null, surrogates, paramName);
        }

        return TagChangeEventSerializer.SerializeToUtf8Bytes(e);
    }

    private static void AddValidated(
        List<TagEventMessage> messages, int index, ReadOnlyMemory<byte> body, string? eventIdHint, int? partitionCount, string paramName)
    {
        TagChangeEventParseResult parsed = TagChangeEventParser.Parse(body.Span);
        if (!parsed.IsValid)
        {
            string? eventId = eventIdHint ?? LenientEventFields.Read(body.Span).EventId;
            bool eventIdIsBad = parsed.Errors.Any(error => error.Field == "eventId");
            throw new InvalidTagEventException(index, !eventIdIsBad && LenientEventFields.IsShowable(eventId) ? eventId : null, parsed.Errors, paramName);
        }

        TagChangeEvent e = parsed.Event;
        if (partitionCount is not { } count)
        {
            messages.Add(new TagEventMessage(index, e, body, sessionId: null, splitOf: null));
            return;
        }

        List<(string SessionId, List<string> Users)> parts = GroupByPartition(e.Users, count);
        if (parts.Count == 1)
        {
            messages.Add(new TagEventMessage(index, e, body, parts[0].SessionId, splitOf: null));
            return;
        }

        foreach ((string sessionId, List<string> users) in parts)
        {
            string partId = SplitEventId.For(e.EventId, int.Parse(sessionId, NumberStyles.None, CultureInfo.InvariantCulture), count);
            byte[] partBody = SplitBodyWriter.Write(body, partId, users);
            messages.Add(new TagEventMessage(index, e with { EventId = partId, Users = users }, partBody, sessionId, splitOf: e.EventId));
        }
    }

    private static List<(string SessionId, List<string> Users)> GroupByPartition(IReadOnlyList<string> users, int partitionCount)
    {
        var parts = new List<(string SessionId, List<string> Users)>();
        var byPartition = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string user in users)
        {
            string sessionId = TagEventPartitioner.SessionIdFor(user, partitionCount);
            if (!byPartition.TryGetValue(sessionId, out List<string>? group))
            {
                group = [];
                byPartition.Add(sessionId, group);
                parts.Add((sessionId, group));
            }

            group.Add(user);
        }

        return parts;
    }
}
