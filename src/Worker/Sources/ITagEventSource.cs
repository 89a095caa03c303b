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
    /// called concurrently and must return quickly: it queues the message, it does not process it.
    /// </summary>
    Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken);
}
