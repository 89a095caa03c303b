using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagWorker.Contracts;
using TagWorker.Publisher.Tests.TestDoubles;

namespace TagWorker.Publisher.Tests;

/// <summary>
/// The split rule over any events and partition counts: every user of an event lands in exactly one message of that
/// event, in its own partition's session, in the original order; ids are deterministic, distinct, and derived only
/// when the event was actually split.
/// </summary>
public sealed class SplitProperties
{
    [Property(Arbitrary = [typeof(SegmentEvents)], MaxTest = 300)]
    public bool Plan_AnyEvents_EveryUserInExactlyOneMessageOfItsPartitionInOrder(TagChangeEvent[] events, PositiveInt partitionSeed)
    {
        int n = (partitionSeed.Get % 64) + 1;
        IReadOnlyList<TagEventMessage> messages = TagEventMessages.Plan(events, n);

        for (int index = 0; index < events.Length; index++)
        {
            TagChangeEvent original = events[index];
            List<TagEventMessage> parts = [.. messages.Where(m => m.Index == index)];
            List<string> users = [.. original.Users.Distinct(StringComparer.Ordinal)];

            // Exactly once each, and no one else.
            List<string> placed = [.. parts.SelectMany(p => p.Event.Users)];
            if (placed.Count != users.Count || !placed.Order(StringComparer.Ordinal).SequenceEqual(users.Order(StringComparer.Ordinal)))
            {
                return false;
            }

            foreach (TagEventMessage part in parts)
            {
                bool inItsSession = part.Event.Users.All(u => TagEventPartitioner.SessionIdFor(u, n) == part.SessionId);
                bool orderKept = part.Event.Users.SequenceEqual(users.Where(u => TagEventPartitioner.SessionIdFor(u, n) == part.SessionId));
                bool bodyIsThePart = TestEvents.Parse(part.Body) is var body && body.EventId == part.MessageId && body.Users.SequenceEqual(part.Event.Users)
                    && body.Op == original.Op && body.Tags.SequenceEqual(original.Tags);
                if (!inItsSession || !orderKept || !bodyIsThePart)
                {
                    return false;
                }
            }

            bool oneSessionEach = parts.Select(p => p.SessionId).Distinct(StringComparer.Ordinal).Count() == parts.Count;
            bool ids = parts.Count == 1
                ? parts[0].MessageId == original.EventId && parts[0].SplitOf is null
                : parts.All(p => p.SplitOf == original.EventId
                    && p.MessageId == SplitEventId.For(original.EventId, int.Parse(p.SessionId!, CultureInfo.InvariantCulture), n));
            if (!oneSessionEach || !ids)
            {
                return false;
            }
        }

        // Distinct across the call (the events' own ids are distinct), and the same on a second run.
        IReadOnlyList<TagEventMessage> again = TagEventMessages.Plan(events, n);
        return messages.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count() == messages.Count
            && again.Select(m => (m.MessageId, m.SessionId, TestEvents.Text(m.Body))).SequenceEqual(messages.Select(m => (m.MessageId, m.SessionId, TestEvents.Text(m.Body))));
    }

    [Property(Arbitrary = [typeof(SegmentEvents)], MaxTest = 200)]
    public bool Plan_NoSessions_NeverSplits(TagChangeEvent[] events)
    {
        IReadOnlyList<TagEventMessage> messages = TagEventMessages.Plan(events, partitionCount: null);

        return messages.Count == events.Length
            && messages.Select((m, i) => m.Index == i && m.SessionId is null && m.SplitOf is null && m.MessageId == events[i].EventId
                && m.Event.Users.SequenceEqual(events[i].Users.Distinct(StringComparer.Ordinal))).All(ok => ok);
    }

    /// <summary>
    /// Up to 12 events with distinct ids, each of 1 to 40 users drawn from a pool of 60 (so events share users and
    /// users repeat), with every operation.
    /// </summary>
    public static class SegmentEvents
    {
        public static Arbitrary<TagChangeEvent[]> Events() =>
            (from count in Gen.Choose(0, 12)
             from events in Gen.ArrayOf(Event(), count)
             select events.Select((e, i) => e with { EventId = $"{e.EventId}-{i}" }).ToArray()).ToArbitrary();

        private static Gen<TagChangeEvent> Event() =>
            from id in Gen.Elements("e", "segment:vip", "用户段", new string('x', 120))
            from userCount in Gen.Choose(1, 40)
            from users in Gen.ArrayOf(Gen.Choose(0, 59).Select(u => u % 3 == 0 ? $"用户{u}" : $"u{u}"), userCount)
            from op in Gen.Elements(TagOperation.Add, TagOperation.Remove, TagOperation.RemoveAll)
            select op == TagOperation.RemoveAll
                ? new TagChangeEvent(1, id, TestEvents.OccurredAt, op, users, [])
                : new TagChangeEvent(1, id, TestEvents.OccurredAt, op, users, ["vip", "标签"]);
    }
}
