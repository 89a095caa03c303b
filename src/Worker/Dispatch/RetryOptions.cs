using System.ComponentModel.DataAnnotations;

namespace TagWorker.Dispatch;

/// <summary>
/// Backoff for retryable outcomes (91000, 60008, 70169, 70500, HTTP 5xx, timeouts, connection faults).
/// Section <c>Retry</c>. Frequency-limit answers back off too but never count against <see cref="MaxAttempts"/>.
/// </summary>
public sealed class RetryOptions
{
    public const string SectionName = "Retry";

    /// <summary>Attempts per request, the first included, before its messages go back to the source (abandoned with the last error; never dead-lettered). Default 8, 1..100.</summary>
    [Range(1, 100, ErrorMessage = "Retry:MaxAttempts must be between {1} and {2}.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First backoff delay; doubles each attempt, with jitter. Default 200 ms, 0..1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Retry:BaseDelay must be between {1} and {2}.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest backoff delay. Default 10 s, 0..10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Retry:MaxDelay must be between {1} and {2}.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff after a frequency-limit answer (grows exponentially to <see cref="MaxDelay"/>). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Retry:FrequencyLimitDelay must be between {1} and {2}.")]
    public TimeSpan FrequencyLimitDelay { get; set; } = TimeSpan.FromSeconds(1);
}
