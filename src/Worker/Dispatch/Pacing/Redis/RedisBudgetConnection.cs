using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TagWorker.Dispatch.Pacing.Redis;

/// <summary>
/// The connection to the Redis of the shared rate budget, opened on first use. It never fails to open: while Redis
/// is unreachable the multiplexer keeps reconnecting in the background and commands fail at once (fail-fast backlog),
/// which the budget turns into its fallback.
/// </summary>
internal sealed class RedisBudgetConnection : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;

    public RedisBudgetConnection(IOptions<RateLimitOptions> options)
    {
        var redis = options.Value.Redis;
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString ?? string.Empty);
        var timeout = (int)Math.Ceiling(redis.OperationTimeout.TotalMilliseconds);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        // Queuing commands while disconnected would hold calls up to the timeout each; failing at once lets the
        // process fall back to its share without delay.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry((int)Math.Min(redis.ReconnectInterval.TotalMilliseconds, 1000));
        configuration.ClientName ??= "tagworker-rate";
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(configuration));
    }

    /// <summary>The multiplexer (connected or reconnecting).</summary>
    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) =>
        await _multiplexer.Value.WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>For containers disposed synchronously: closes a multiplexer that finished opening.</summary>
    public void Dispose()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            _multiplexer.Value.Result.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
