using System.ComponentModel.DataAnnotations;

namespace TagWorker.Sources.Local;

/// <summary>
/// Settings of the local durable queue, bound from the <c>LocalQueue</c> configuration section and validated at
/// start-up (a bad value stops the host with a message naming its key).
/// </summary>
public sealed class LocalQueueOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LocalQueue";

    /// <summary>
    /// The SQLite file holding the queue; created (with its directory) when missing. A relative path is resolved
    /// against the process's current directory when the queue is created. Default <c>tagworker-queue.db</c>.
    /// SQLite keeps two companion files beside it (<c>-wal</c>, <c>-shm</c>); copy or delete all three together.
    /// </summary>
    [Required(ErrorMessage = "LocalQueue:Path is required.")]
    public string Path { get; set; } = "tagworker-queue.db";

    /// <summary>
    /// Not used: kept so that existing settings still bind. A lease lasts until its message is settled or the next
    /// owner of the queue reclaims it (<see cref="LocalQueueOwnership"/>); it no longer expires after a duration.
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deliveries after which a message is moved to the dead-letter store (reason
    /// <c>MaxDeliveryCountExceeded</c>) instead of being delivered again. Every delivery counts, a delivery to a
    /// worker that crashed with it included. Default 10; 1 to 1000.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "LocalQueue:MaxDeliveryCount must be between {1} and {2}.")]
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// Most messages handed out and not yet settled at once; the source stops receiving at this number until one is
    /// settled. It bounds the pipeline's merge window (a held message costs no storage work: leases are not renewed).
    /// Default 250,000; 1 to 1,000,000.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "LocalQueue:MaxConcurrentMessages must be between {1} and {2}.")]
    public int MaxConcurrentMessages { get; set; } = 250_000;

    /// <summary>Most messages leased by one receive (one SQLite transaction). Default 2,000; 1 to 50,000.</summary>
    [Range(1, 50_000, ErrorMessage = "LocalQueue:ReceiveBatchSize must be between {1} and {2}.")]
    public int ReceiveBatchSize { get; set; } = 2_000;

    /// <summary>How long the source waits before looking again when the queue was empty. Default 100 ms; 1 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00",
        ErrorMessage = "LocalQueue:PollInterval must be between {1} and {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Not used: kept so that existing settings still bind. Leases do not expire, so nothing is renewed.</summary>
    public TimeSpan MaxAutoLockRenewal { get; set; } = TimeSpan.FromMinutes(5);
}
