using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.Settlement;
using TagWorker.Sources;

namespace TagWorker.Pipeline;

/// <summary>
/// A valid message in the pipeline: its event, how many of its users are still unresolved, and what happened to
/// the resolved ones. Owned by the coordinator's loop (not thread-safe).
/// </summary>
internal sealed class TrackedMessage(SourceMessage message, TagChangeEvent tagEvent, long arrivedAt, long bytes, MessageTrace trace = default)
{
    public SourceMessage Message { get; } = message;

    public TagChangeEvent Event { get; } = tagEvent;

    public IReadOnlyList<string> Users => Event.Users;

    /// <summary>The broker's sequence number (queue order).</summary>
    public long Sequence => Message.SequenceNumber;

    /// <summary>When the message reached the coordinator (TimeProvider timestamp).</summary>
    public long ArrivedAt { get; } = arrivedAt;

    /// <summary>The message's processing span and intake time.</summary>
    public MessageTrace Trace { get; } = trace;

    /// <summary>What the message counts against the pipeline's byte bound.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Users whose change from this message is not yet applied, failed or given back.</summary>
    public int Unresolved { get; set; } = tagEvent.Users.Count;

    /// <summary>Set when any of its users' changes could not be applied now: the message goes back to the source.</summary>
    public bool Return { get; set; }

    /// <summary>Why the message goes back (the last transient error), recorded by the source where it can.</summary>
    public string? LastError { get; set; }

    /// <summary>Users whose change failed for good, with why.</summary>
    public List<UserOutcome>? Failures { get; set; }

    /// <summary>The message's lock is gone: it is never settled (the broker delivers it again).</summary>
    public bool Lost { get; set; }

    public bool Settled { get; set; }

    /// <summary>
    /// A later delivery of the same message has arrived (the broker gave it out again after this one's lock went):
    /// this delivery's return has come, so whatever still happens to it (a late drop, its settlement as lost) must not
    /// put it on its users' returned lists again, or their newer messages would wait for a return that never comes.
    /// </summary>
    public bool Superseded { get; set; }

    /// <summary>For how many of its users the message is parked (the window counts it apart while any).</summary>
    public int ParkedFor { get; set; }

    /// <summary>Its settlement once started (a later message of its users that came back may have to wait for it).</summary>
    public Task<SettleResult>? Settlement { get; set; }
}
