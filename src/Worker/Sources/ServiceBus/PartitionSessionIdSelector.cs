using TagWorker.Contracts;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The default <see cref="ServiceBusSessionIdSelector"/>: the partition of the event's users,
/// <see cref="TagEventPartitioner.SessionIdFor"/> with <see cref="ServiceBusSourceOptions.PartitionCount"/> — what
/// publishers do (docs/events.md), so that <c>enqueue</c> and replays land in the same sessions as published events.
/// </summary>
internal static class PartitionSessionIdSelector
{
    /// <summary>
    /// The session a body goes to when no users can be read from it: it is not a valid event, and is dead-lettered as
    /// invalid in any session (<c>enqueue --no-validate</c> sends such bodies on purpose).
    /// </summary>
    public const string NoUsersSessionId = "0";

    /// <summary>
    /// A selector for <paramref name="partitionCount"/> partitions. An event whose users fall into more than one
    /// partition gets none (null): it must be split per partition first, or intake would dead-letter it.
    /// </summary>
    public static ServiceBusSessionIdSelector Create(int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return body =>
        {
            TagChangeEventParseResult parsed = TagChangeEventParser.Parse(body.Span);
            IReadOnlyList<string> users = parsed.Event?.Users ?? [];
            string? sessionId = null;
            foreach (string user in users)
            {
                if (string.IsNullOrEmpty(user))
                {
                    continue;
                }

                string partition = TagEventPartitioner.SessionIdFor(user, partitionCount);
                if (sessionId is null)
                {
                    sessionId = partition;
                }
                else if (!string.Equals(sessionId, partition, StringComparison.Ordinal))
                {
                    return null;
                }
            }

            return sessionId ?? NoUsersSessionId;
        };
    }
}
