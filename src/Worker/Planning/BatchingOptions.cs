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

    /// <summary>Users in one request. Default 100, the API's limit; 1 to 100.</summary>
    [Range(1, 100)]
    public int MaxUsersPerRequest { get; set; } = 100;

    /// <summary>Tags of one user in one add or remove request. Default 10, the API's limit for adds; 1 to 10.</summary>
    [Range(1, 10)]
    public int MaxTagsPerUserPerRequest { get; set; } = 10;
}
