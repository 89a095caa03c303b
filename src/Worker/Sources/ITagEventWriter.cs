namespace TagWorker.Sources;

/// <summary>Puts raw event bodies on the configured source (used by the <c>enqueue</c> verb and the demo).</summary>
public interface ITagEventWriter
{
    /// <summary>Enqueues the bodies in order; returns once all are durably stored by the source.</summary>
    Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken);

    /// <summary>
    /// Enqueues bodies that may be invalid, as they are (the <c>enqueue</c> verb's <c>--no-validate</c>, to exercise
    /// dead-lettering). Sources that never validate need not override it.
    /// </summary>
    Task EnqueueUnvalidatedAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
        EnqueueAsync(bodies, cancellationToken);
}
