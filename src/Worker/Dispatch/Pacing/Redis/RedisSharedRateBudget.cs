using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TagWorker.ImApi;

namespace TagWorker.Dispatch.Pacing.Redis;

/// <summary>
/// The app's rate budget in Redis (<c>RateLimit:Mode=Redis</c>): one GCRA key per endpoint and SDKAppID
/// (<see cref="RedisGcraScript"/>), at <c>ImApi:RequestsPerSecond</c> for all processes together, and never more than
/// that many calls in any sliding second.
/// When a call to Redis fails or times out, every endpoint answers <see cref="SharedTake.Unavailable"/> (the pacers
/// fall back to this process's share, <c>ImApi:RequestsPerSecond ÷ RateLimit:Replicas</c>) and, every
/// <c>RateLimit:Redis:ReconnectInterval</c> on the injected clock, one call tries Redis again.
/// </summary>
internal sealed partial class RedisSharedRateBudget : ISharedRateBudget
{
    // A caller this much late (of an interval) still keeps the shared schedule, and this much early may take its slot;
    // see RedisGcraScript for why the shared budget keeps both small.
    private const double CatchUp = 0.5;
    private const double Early = 0.5;

    // The API's window: one second.
    private const long WindowMicroseconds = 1_000_000;

    // A refusal holds every process back this many intervals: the local pacer's shallow cut drains its window by 5%
    // of the pace (five calls at 98/s), and in a shared budget one process's cut alone does not slow the others down,
    // so without it the next calls of the other processes met the same full window and cut too (three replicas: four
    // refusals at once and every pacer halved for two seconds).
    private const double HoldIntervals = 5;

    private readonly RedisBudgetConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisSharedRateBudget> _logger;
    private readonly TimeSpan _reconnectInterval;
    private readonly TimeSpan _operationTimeout;
    private readonly double _share;
    private readonly Dictionary<ImCommand, RedisKey> _keys;
    private readonly RedisValue[] _arguments;
    private readonly RedisValue[] _holdArguments;
    private readonly Lock _gate = new();
    private bool _unreachable;
    private long _nextAttempt;

    public RedisSharedRateBudget(
        RedisBudgetConnection connection,
        IOptions<ImApiOptions> imApiOptions,
        IOptions<RateLimitOptions> rateLimitOptions,
        TimeProvider timeProvider,
        ILogger<RedisSharedRateBudget> logger)
    {
        _connection = connection;
        _time = timeProvider;
        _logger = logger;
        var api = imApiOptions.Value;
        var limits = rateLimitOptions.Value;
        _reconnectInterval = limits.Redis.ReconnectInterval;
        _operationTimeout = limits.Redis.OperationTimeout;
        _share = api.RequestsPerSecond / limits.Replicas;
        var prefix = limits.Redis.KeyPrefix + ":" + api.SdkAppId.ToString(CultureInfo.InvariantCulture) + ":";
        _keys = Enum.GetValues<ImCommand>().ToDictionary(command => command, command => new RedisKey(prefix + ImCommandPaths.ToSegment(command)));
        var intervalMicroseconds = Math.Ceiling(1_000_000 / api.RequestsPerSecond);
        var cap = Math.Max(1, (int)Math.Floor(api.RequestsPerSecond));
        _arguments = [intervalMicroseconds, Math.Floor(intervalMicroseconds * CatchUp), cap, WindowMicroseconds, Math.Floor(intervalMicroseconds * Early)];
        _holdArguments = [Math.Ceiling(intervalMicroseconds * HoldIntervals), cap, WindowMicroseconds, intervalMicroseconds];
    }

    /// <summary>False while Redis is taken to be unreachable (the processes pace at their share).</summary>
    public bool IsShared
    {
        get
        {
            lock (_gate)
            {
                return !_unreachable;
            }
        }
    }

    /// <summary>The key of <paramref name="command"/>'s budget.</summary>
    internal RedisKey KeyOf(ImCommand command) => _keys[command];

    public async ValueTask<SharedTake> TakeAsync(ImCommand command, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_unreachable)
            {
                var now = _time.GetTimestamp();
                if (now < _nextAttempt)
                {
                    return SharedTake.Unavailable;
                }

                // This call tries Redis; the others keep to the share until the next attempt is due.
                _nextAttempt = now + (long)(_reconnectInterval.TotalSeconds * _time.TimestampFrequency);
            }
        }

        long wait;
        try
        {
            // Bounded here as well, on the injected clock: a command written just before the connection died can stay
            // unanswered until the client's own timeout check runs, and the pacer must not stall meanwhile.
            var multiplexer = await _connection.GetAsync(cancellationToken).WaitAsync(_operationTimeout, _time, cancellationToken).ConfigureAwait(false);
            var result = await multiplexer.GetDatabase()
                .ScriptEvaluateAsync(RedisGcraScript.Source, [_keys[command]], _arguments)
                .WaitAsync(_operationTimeout, _time, cancellationToken)
                .ConfigureAwait(false);
            wait = (long)result;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            MarkUnreachable(exception);
            return SharedTake.Unavailable;
        }

        MarkReachable();
        return wait <= 0 ? SharedTake.Taken : SharedTake.Wait(TimeSpan.FromTicks(wait * TimeSpan.TicksPerMicrosecond));
    }

    public async ValueTask HoldAsync(ImCommand command, CancellationToken cancellationToken)
    {
        if (!IsShared)
        {
            return;
        }

        try
        {
            var multiplexer = await _connection.GetAsync(cancellationToken).WaitAsync(_operationTimeout, _time, cancellationToken).ConfigureAwait(false);
            await multiplexer.GetDatabase()
                .ScriptEvaluateAsync(RedisGcraScript.HoldSource, [_keys[command]], _holdArguments)
                .WaitAsync(_operationTimeout, _time, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException)
        {
            // Best effort: the process's own pacer has cut already, and an unreachable Redis is found by the next take.
        }
    }

    private void MarkUnreachable(Exception exception)
    {
        lock (_gate)
        {
            if (_unreachable)
            {
                return;
            }

            _unreachable = true;
            _nextAttempt = _time.GetTimestamp() + (long)(_reconnectInterval.TotalSeconds * _time.TimestampFrequency);
        }

        // The message, not the exception: StackExchange.Redis puts the endpoint in it, never the password.
        Log.Unreachable(_logger, _share, _reconnectInterval, exception.GetType().Name, exception.Message);
    }

    private void MarkReachable()
    {
        lock (_gate)
        {
            if (!_unreachable)
            {
                return;
            }

            _unreachable = false;
        }

        Log.Restored(_logger);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2102, EventName = "SharedRateBudgetUnreachable", Level = LogLevel.Warning,
            Message = "Shared rate budget unreachable ({ErrorType}: {Error}); pacing at this process's share, {Share:0.##} calls/s per endpoint, and trying Redis again every {ReconnectInterval}")]
        public static partial void Unreachable(ILogger logger, double share, TimeSpan reconnectInterval, string errorType, string error);

        [LoggerMessage(EventId = 2103, EventName = "SharedRateBudgetRestored", Level = LogLevel.Information,
            Message = "Shared rate budget reachable again; pacing at the app's budget")]
        public static partial void Restored(ILogger logger);
    }
}
