using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TagWorker.Dispatch;

/// <summary>
/// Where the API's rate budget is kept (section <c>RateLimit</c>). <c>ImApi:RequestsPerSecond</c> is the pace per
/// endpoint; each endpoint's pace adapts below it when the API answers with frequency limits.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>
    /// <see cref="RateLimitMode.Local"/> (default): each process paces itself at <c>ImApi:RequestsPerSecond</c>, so
    /// replicas must split the vendor's 100 calls/s between them. <see cref="RateLimitMode.Redis"/>: every process
    /// draws from one budget per endpoint and SDKAppID kept in Redis (<see cref="Redis"/>), so any replica can use what
    /// the others leave.
    /// </summary>
    public RateLimitMode Mode { get; set; } = RateLimitMode.Local;

    /// <summary>
    /// How many worker processes share the app's budget; default 1, 1..100 (the chart sets it to its replica count).
    /// With <see cref="RateLimitMode.Redis"/>, a process that cannot reach Redis paces itself at
    /// <c>ImApi:RequestsPerSecond</c> ÷ this, so that all of them together still stay within the budget.
    /// </summary>
    [Range(1, 100)]
    public int Replicas { get; set; } = 1;

    /// <summary>The shared budget's Redis settings; used only with <see cref="RateLimitMode.Redis"/>.</summary>
    [ValidateObjectMembers]
    public RateLimitRedisOptions Redis { get; set; } = new();
}
