namespace TagWorker.Hosting;

/// <summary>Which source the worker takes events from (key <c>Source</c>).</summary>
public enum SourceKind
{
    /// <summary>The local durable queue (SQLite file): the embedded default, no Azure needed.</summary>
    Local,

    /// <summary>Azure Service Bus (production), configured under <c>ServiceBus</c>.</summary>
    ServiceBus,
}

/// <summary>Top-level worker settings.</summary>
public sealed class WorkerOptions
{
    /// <summary><c>Local</c> (default) or <c>ServiceBus</c>.</summary>
    public SourceKind Source { get; set; } = SourceKind.Local;
}
