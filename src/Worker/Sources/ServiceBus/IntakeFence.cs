namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Without sessions, the one guard of queue order across receivers: before receiving again after anything that can
/// leave messages locked to a receiver that will not settle them (a process start, a failed link, a lock that ran
/// out), wait <see cref="ServiceBusSourceOptions.EntityLockDuration"/> plus <see cref="Margin"/>, so that those
/// messages are back in the queue, in their place, before anything newer is received.
/// </summary>
/// <remarks>
/// The dead receiver's locks were taken (or last renewed) before the fence starts, so they end within one lock
/// duration of it; the margin covers the broker's timer granularity and the moment between the lock's end and the
/// message being available again. The wait is measured with the injected <see cref="TimeProvider"/> from a
/// deadline taken before the wait is logged.
/// </remarks>
internal sealed class IntakeFence
{
    /// <summary>Added to the entity's lock duration.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _lockDuration;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _entityPath;

    public IntakeFence(TimeSpan lockDuration, TimeProvider timeProvider, ILogger logger, string entityPath)
    {
        _lockDuration = lockDuration;
        _timeProvider = timeProvider;
        _logger = logger;
        _entityPath = entityPath;
    }

    /// <summary>How long one fence lasts.</summary>
    public TimeSpan Duration => _lockDuration + Margin;

    /// <summary>Waits the fence out; false when <paramref name="cancellationToken"/> ended it first.</summary>
    public async Task<bool> WaitAsync(FenceReason reason, CancellationToken cancellationToken)
    {
        DateTimeOffset until = _timeProvider.GetUtcNow() + Duration;
        ServiceBusLog.IntakeFenced(_logger, _entityPath, Duration, reason, _lockDuration);
        try
        {
            TimeSpan left = until - _timeProvider.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        ServiceBusLog.IntakeFenceEnded(_logger, _entityPath);
        return true;
    }
}
