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
    /// How long a received message stays leased before it becomes available again unless renewed or settled.
    /// Default 30 s; 1 s to 5 min (Service Bus's range).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00",
        ErrorMessage = "LocalQueue:LockDuration must be between {1} and {2}.")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deliveries after which a message is moved to the dead-letter store (reason
    /// <c>MaxDeliveryCountExceeded</c>) instead of being delivered again. Default 10; 1 to 1000.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "LocalQueue:MaxDeliveryCount must be between {1} and {2}.")]
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// Most messages handed out and not yet settled at once; the source stops receiving at this number until one is
    /// settled. It must cover what the pipeline holds while it fills 100-user requests. Default 20,000; 1 to 1,000,000.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "LocalQueue:MaxConcurrentMessages must be between {1} and {2}.")]
    public int MaxConcurrentMessages { get; set; } = 20_000;

    /// <summary>Most messages leased by one receive (one SQLite transaction). Default 500; 1 to 10,000.</summary>
    [Range(1, 10_000, ErrorMessage = "LocalQueue:ReceiveBatchSize must be between {1} and {2}.")]
    public int ReceiveBatchSize { get; set; } = 500;

    /// <summary>How long the source waits before looking again when the queue was empty. Default 100 ms; 1 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00",
        ErrorMessage = "LocalQueue:PollInterval must be between {1} and {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long after receiving a message the source keeps renewing its lock while it is unsettled (like Service
    /// Bus's processor); after that the lock is left to expire. Default 5 min; 0 (no renewal) to 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00",
        ErrorMessage = "LocalQueue:MaxAutoLockRenewal must be between {1} and {2}.")]
    public TimeSpan MaxAutoLockRenewal { get; set; } = TimeSpan.FromMinutes(5);
}
