using System.ComponentModel.DataAnnotations;

namespace TagWorker.Dispatch;

/// <summary>The Redis holding the shared rate budget (section <c>RateLimit:Redis</c>).</summary>
public sealed class RateLimitRedisOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>redis:6379</c> or
    /// <c>name.redis.cache.windows.net:6380,password=…,ssl=True</c>; required with <c>RateLimit:Mode=Redis</c>.
    /// It may hold a password, so it is never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Prefix of the budget's keys; default <c>tagworker:rate</c>. The key of an endpoint is
    /// <c>{prefix}:{SDKAppID}:{endpoint}</c>, e.g. <c>tagworker:rate:1400000000:im_add_tag</c>.
    /// </summary>
    [Required]
    [MinLength(1)]
    public string KeyPrefix { get; set; } = "tagworker:rate";

    /// <summary>
    /// How long one call to Redis may take before the process falls back to its share; default 1 s, 10 ms..10 s.
    /// Also the connect timeout. Not much lower: a process that falls back while the others still reach Redis adds
    /// its share to their budget, so a spurious timeout can put the app over the limit for a moment.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often, while Redis is unreachable, one call tries it again; default 5 s, 100 ms..5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(5);
}
