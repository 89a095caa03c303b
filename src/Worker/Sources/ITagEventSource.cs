namespace TagWorker.Sources;

/// <summary>
/// Where tag-change messages come from (Azure Service Bus in production, the local durable queue by default).
/// </summary>
public interface ITagEventSource
{
    /// <summary>
    /// Receives messages and hands each to <paramref name="onMessage"/> until <paramref name="cancellationToken"/>
    /// is cancelled, then stops receiving and returns. The source keeps each handed-out message leased (renewing its
    /// lock) until it is settled, and never has more unsettled messages out than its configured maximum, so a slow
    /// pipeline pushes back on the broker instead of growing without bound. <paramref name="onMessage"/> may be
    /// called concurrently and must return quickly: it queues the message, it does not process it. Messages are
    /// handed over in the broker's order (per session with sessions).
    /// </summary>
    /// <remarks>
    /// Each call is one intake session. Before its first receive, a source whose broker can still hold messages
    /// locked by an earlier session or process (a crash, a failed settle) makes sure they are back first: the local
    /// queue's owner reclaims every lease, Service Bus without sessions waits out the entity's lock duration (the
    /// start-up fence). With sessions the broker keeps each session's order by itself.
    /// </remarks>
    Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken);

    /// <summary>
    /// Whether more messages are waiting at the broker right now than the source has handed out (its last receive
    /// came back full, or the entity reports a backlog). The packer may hold a fold a little longer to absorb them.
    /// </summary>
    bool BacklogWaiting => false;
}
