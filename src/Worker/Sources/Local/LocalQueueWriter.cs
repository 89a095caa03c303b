namespace TagWorker.Sources.Local;

/// <summary>Enqueues raw event bodies on the <see cref="LocalQueue"/>; returns once they are synced to disk.</summary>
public sealed class LocalQueueWriter : ITagEventWriter
{
    private readonly LocalQueue _queue;

    public LocalQueueWriter(LocalQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    /// <inheritdoc />
    public Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(bodies, cancellationToken);
}
