using System.ComponentModel.DataAnnotations;

namespace TagWorker.Planning;

/// <summary>
/// How pending changes become requests (configuration section <c>Batching</c>). The limits default to the IM API's
/// own: 100 users a request and 10 tags a user a request.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Batching";

    /// <summary>How long the oldest pending change may wait for a fuller request. Default 500 ms; 1 ms to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// While the source reports a backlog waiting and the pipeline's window is not full, how long a user's open fold
    /// may wait to absorb more of the backlog before it is packed. A bounded delay per user in exchange for far fewer
    /// calls: on a backlog the API is the bottleneck, so the whole drain gets faster. Without a backlog it does not
    /// apply. Default 5 seconds; 0 (never hold) to 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxBacklogHold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Users in one request. Default 100, the API's limit; 1 to 100.</summary>
    [Range(1, 100)]
    public int MaxUsersPerRequest { get; set; } = 100;

    /// <summary>Tags of one user in one add or remove request. Default 10, the API's limit for adds; 1 to 10.</summary>
    [Range(1, 10)]
    public int MaxTagsPerUserPerRequest { get; set; } = 10;
}
