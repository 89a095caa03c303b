using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace TagWorker.ImApi;

/// <summary>
/// Settings of the IM user-tag API client (configuration section <c>ImApi</c>). Exactly one of
/// <see cref="Region"/> and <see cref="BaseUrl"/> is set: the region picks the vendor's domain, the base URL points
/// at anything else (the simulator).
/// </summary>
public sealed class ImApiOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ImApi";

    /// <summary>The SDKAppID's region; its primary domain is used over HTTPS. Unset when <see cref="BaseUrl"/> is set.</summary>
    public ImRegion? Region { get; set; }

    /// <summary>An absolute http(s) base address used instead of a region (the simulator, a proxy). Unset when <see cref="Region"/> is set.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The application's SDKAppID (at least 1).</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long SdkAppId { get; set; }

    /// <summary>An app administrator account; the UserSig is issued for it.</summary>
    [Required]
    public string AdminIdentifier { get; set; } = string.Empty;

    /// <summary>The application's secret key for UserSig. Never logged or printed.</summary>
    [Required]
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>
    /// Calls per second per endpoint at most (the pace adapts below it on frequency-limit answers); default 98, between
    /// 1 and 100. With <c>RateLimit:Mode=Redis</c> it is the budget of all processes together, else of this process.
    /// Kept a little below the vendor's 100 because the API counts calls when they arrive: evenly spaced departures
    /// arrive with jitter, and at 98 a call may be ~20 ms late relative to its neighbours before a one-second window
    /// could hold 101.
    /// </summary>
    [Range(1d, 100d)]
    public double RequestsPerSecond { get; set; } = 98;

    /// <summary>Requests in flight at once across all endpoints, and the connection pool size; default 32, between 1 and 256.</summary>
    [Range(1, 256)]
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>Time allowed for one call, connecting included; default 10 s, between 100 ms and 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lifetime of each generated UserSig; default 1 day, between 1 minute and 180 days (the vendor's default).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "180.00:00:00")]
    public TimeSpan UserSigLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long before expiry a UserSig is replaced; default 1 hour, at least 0 and less than <see cref="UserSigLifetime"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "180.00:00:00")]
    public TimeSpan UserSigRenewBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The base address calls go to: <see cref="BaseUrl"/> if set, else the region's primary domain; always ends with <c>/</c>.</summary>
    /// <exception cref="InvalidOperationException">Neither is set (validation prevents this at start-up).</exception>
    public Uri ResolveBaseAddress()
    {
        var address = BaseUrl
            ?? (Region is { } region ? ImRegions.BaseAddress(region) : throw new InvalidOperationException("ImApi:Region or ImApi:BaseUrl must be set."));
        return address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }

    /// <summary>The settings without the secret key (only whether it is set).</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"ImApiOptions {{ Region = {Region?.ToString() ?? "(none)"}, BaseUrl = {BaseUrl?.ToString() ?? "(none)"}, SdkAppId = {SdkAppId}, AdminIdentifier = {AdminIdentifier}, SecretKey = {(string.IsNullOrEmpty(SecretKey) ? "(not set)" : "(set)")}, RequestsPerSecond = {RequestsPerSecond}, MaxConcurrentRequests = {MaxConcurrentRequests}, Timeout = {Timeout}, UserSigLifetime = {UserSigLifetime}, UserSigRenewBefore = {UserSigRenewBefore} }}");
}
