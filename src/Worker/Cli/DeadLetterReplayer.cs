using TagWorker.Contracts;
using TagWorker.Sources;

namespace TagWorker.Cli;

/// <summary>
/// Replays a dead letter: re-publishes the part of its event that failed (only the failed users; the whole event
/// when the whole message failed) as a new event with a new <c>eventId</c> and <c>replayOf</c> = the dead-lettered
/// event's <c>eventId</c>, through the configured source's writer, and only then removes the dead letter. Sending
/// first means an interrupted replay loses nothing (at worst the change is sent and the dead letter stays, so a
/// second replay sends it again, which re-applies the same change). A body that is not a valid event is refused
/// and its dead letter kept.
/// </summary>
internal sealed class DeadLetterReplayer(IDeadLetterStore store, ITagEventWriter writer, TimeProvider timeProvider, Func<string> newEventId)
{
    // Removal is not tied to the caller's cancellation: once the replay is sent, leaving the dead letter behind
    // would invite a second, duplicate replay. It is bounded instead.
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(30);

    public DeadLetterReplayer(IDeadLetterStore store, ITagEventWriter writer, TimeProvider timeProvider)
        : this(store, writer, timeProvider, static () => Guid.NewGuid().ToString())
    {
    }

    /// <summary>What a replay of <paramref name="deadLetter"/> would send, or why it is refused. Pure.</summary>
    public static ReplayPlan Plan(DeadLetterView deadLetter, string eventId)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        if (deadLetter.Event is not { } original)
        {
            return ReplayPlan.Refuse($"the body is not a valid event ({deadLetter.Parsed.Describe()})");
        }

        if (deadLetter.FailedAccounts is not { } failed)
        {
            return ReplayPlan.Send(original with { EventId = eventId, ReplayOf = original.EventId }, original.Users.Count);
        }

        var wanted = failed.ToHashSet(StringComparer.Ordinal);
        var users = original.Users.Where(wanted.Contains).ToList();
        if (users.Count == 0)
        {
            return ReplayPlan.Refuse(failed.Count == 0
                ? "it lists no failed users, so there is nothing to replay (purge it)"
                : $"none of its failed users ({string.Join(", ", failed.Take(5))}{(failed.Count > 5 ? ", …" : string.Empty)}) is in the event");
        }

        return ReplayPlan.Send(original with { EventId = eventId, Users = users, ReplayOf = original.EventId }, original.Users.Count);
    }

    /// <summary>Replays one dead letter; never throws but for the caller's cancellation before the send.</summary>
    public async Task<ReplayResult> ReplayAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var plan = Plan(new DeadLetterView(deadLetter), newEventId());
        if (plan.Replay is not { } replay)
        {
            return new ReplayResult(ReplayStatus.Refused, deadLetter.Id, plan, plan.Refusal!);
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await writer.EnqueueAsync([TagChangeEventSerializer.SerializeToUtf8Bytes(replay)], cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the source throws, this dead letter is kept and reported; the next one is tried.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new ReplayResult(ReplayStatus.SendFailed, deadLetter.Id, plan, OneLine(exception.Message));
        }

        try
        {
            using var removal = new CancellationTokenSource(RemoveTimeout, timeProvider);
            return await store.RemoveAsync(deadLetter.Id, removal.Token).ConfigureAwait(false)
                ? new ReplayResult(ReplayStatus.Replayed, deadLetter.Id, plan, "dead letter removed")
                : new ReplayResult(ReplayStatus.AlreadyRemoved, deadLetter.Id, plan, "the dead letter was gone already (replayed or purged meanwhile?), so the change may now be queued twice");
        }
#pragma warning disable CA1031 // The replay is sent; the failed removal is reported so the operator purges it rather than replaying twice.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new ReplayResult(ReplayStatus.RemoveFailed, deadLetter.Id, plan, $"removing the dead letter failed ({OneLine(exception.Message)}); purge it, replaying it again would send the change twice");
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>What a replay sends (<see cref="Replay"/>) or why it is refused (<see cref="Refusal"/>).</summary>
/// <param name="Replay">The new event, or null when refused.</param>
/// <param name="Refusal">Why the dead letter cannot be replayed, or null.</param>
/// <param name="OriginalUserCount">The users of the dead-lettered event (0 when its body is not a valid event).</param>
internal sealed record ReplayPlan(TagChangeEvent? Replay, string? Refusal, int OriginalUserCount)
{
    public static ReplayPlan Send(TagChangeEvent replay, int originalUserCount) => new(replay, null, originalUserCount);

    public static ReplayPlan Refuse(string reason) => new(null, reason, 0);
}

/// <summary>How one replay ended.</summary>
internal enum ReplayStatus
{
    /// <summary>Sent as a new event, and the dead letter removed.</summary>
    Replayed,

    /// <summary>Nothing sent: the body is not a valid event, or nothing in it failed; the dead letter is kept.</summary>
    Refused,

    /// <summary>Sending failed; the dead letter is kept.</summary>
    SendFailed,

    /// <summary>Sent, but the dead letter could not be removed.</summary>
    RemoveFailed,

    /// <summary>Sent, but the dead letter had been removed by someone else meanwhile.</summary>
    AlreadyRemoved,
}

/// <summary>The outcome of <see cref="DeadLetterReplayer.ReplayAsync"/>.</summary>
internal sealed record ReplayResult(ReplayStatus Status, string Id, ReplayPlan Plan, string Detail)
{
    public bool Succeeded => Status == ReplayStatus.Replayed;
}
