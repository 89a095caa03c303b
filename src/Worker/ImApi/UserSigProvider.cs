using Microsoft.Extensions.Options;

namespace TagWorker.ImApi;

/// <summary>
/// Holds the administrator's UserSig and replaces it before it expires: a new one is issued when
/// <c>now ≥ issuedAt + UserSigLifetime − UserSigRenewBefore</c>, or after <see cref="Invalidate"/>. Thread-safe.
/// </summary>
public sealed class UserSigProvider
{
    private readonly ImApiOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UserSigProvider> _logger;
    private readonly Lock _gate = new();
    private CachedUserSig? _current;

    public UserSigProvider(IOptions<ImApiOptions> options, TimeProvider timeProvider, ILogger<UserSigProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The current UserSig, issued anew when the cached one is due for renewal or was invalidated.</summary>
    public string GetUserSig()
    {
        var now = _timeProvider.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is not null && now < current.RenewAt)
        {
            return current.UserSig;
        }

        lock (_gate)
        {
            current = _current;
            if (current is not null && now < current.RenewAt)
            {
                return current.UserSig;
            }

            // The signature carries whole seconds, so renewal is computed from the truncated time it really starts at.
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var lifetime = TimeSpan.FromSeconds(Math.Floor(_options.UserSigLifetime.TotalSeconds));
            var userSig = UserSigGenerator.Generate(_options.SdkAppId, _options.AdminIdentifier, _options.SecretKey, issuedAt, lifetime);
            current = new CachedUserSig(userSig, issuedAt + lifetime - _options.UserSigRenewBefore);
            Volatile.Write(ref _current, current);
            ImApiLog.UserSigIssued(_logger, _options.AdminIdentifier, issuedAt + lifetime);
            return current.UserSig;
        }
    }

    /// <summary>Drops the cached UserSig so the next <see cref="GetUserSig"/> issues a new one (after a signature-fault answer).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return;
            }

            Volatile.Write(ref _current, null);
        }

        ImApiLog.UserSigInvalidated(_logger, _options.AdminIdentifier);
    }

    private sealed record CachedUserSig(string UserSig, DateTimeOffset RenewAt);
}
