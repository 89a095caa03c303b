using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>
/// One <see cref="TokenBucketRateLimiter"/> per endpoint, refilled in small steps (about a tenth of the rate every
/// 100 ms) so that any sliding one-second window sees at most burst + rate calls, which stays under the vendor's
/// limit when <c>ImApi:RequestsPerSecond</c> is a little below it. Replenishment is driven by the injected
/// <see cref="TimeProvider"/> rather than the limiter's own timer, so tests control time.
/// </summary>
internal sealed class TokenBucketEndpointRateLimiter : IEndpointRateLimiter, IDisposable
{
    private readonly Dictionary<ImCommand, TokenBucketRateLimiter> _buckets = [];
    private readonly ITimer _replenishTimer;

    public TokenBucketEndpointRateLimiter(IOptions<ImApiOptions> options, TimeProvider timeProvider)
    {
        var rate = options.Value.RequestsPerSecond;
        TokensPerPeriod = Math.Max(1, (int)Math.Floor(rate / 10));
        ReplenishmentPeriod = TimeSpan.FromSeconds(TokensPerPeriod / rate);
        foreach (var command in Enum.GetValues<ImCommand>())
        {
            _buckets[command] = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = TokensPerPeriod,
                TokensPerPeriod = TokensPerPeriod,
                ReplenishmentPeriod = ReplenishmentPeriod,
                AutoReplenishment = false,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        _replenishTimer = timeProvider.CreateTimer(_ => Replenish(), null, ReplenishmentPeriod, ReplenishmentPeriod);
    }

    /// <summary>Tokens added each period, which is also the largest burst.</summary>
    public int TokensPerPeriod { get; }

    public TimeSpan ReplenishmentPeriod { get; }

    public async ValueTask WaitAsync(ImCommand command, CancellationToken cancellationToken)
    {
        using var lease = await _buckets[command].AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            // Only possible once the limiter is disposed at shutdown.
            throw new OperationCanceledException("The rate limiter is shutting down.", cancellationToken);
        }
    }

    public void Dispose()
    {
        _replenishTimer.Dispose();
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }

    private void Replenish()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.TryReplenish();
        }
    }
}
