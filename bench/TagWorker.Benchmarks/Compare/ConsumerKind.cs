namespace TagWorker.Benchmarks.Compare;

/// <summary>The consumers compared on one stream.</summary>
internal enum ConsumerKind
{
    /// <summary>(a) TagWorker as shipped: the worker service, its default settings.</summary>
    Shipped,

    /// <summary>
    /// (b) TagWorker with a merge window of one message (<c>Pipeline:MaxHeldMessages=1</c>): the shape of a
    /// MassTransit/Wolverine batch consumer, about one user-update per event.
    /// </summary>
    WindowOfOne,

    /// <summary>(c) One API call per event through the worker's pacer and IM client (<see cref="NaiveConsumer"/>).</summary>
    Naive,

    /// <summary>The worker service with the API out of the way (<see cref="InstantImTagClient"/>): intake alone.</summary>
    Intake,
}
