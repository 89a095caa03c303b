using TagWorker.ImApi;

namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// The worker's rate budget: one <see cref="AdaptivePacer"/> per endpoint (the vendor limits each endpoint on its own),
/// each paced at up to <c>ImApi:RequestsPerSecond</c>, and, with <c>RateLimit:Mode=Redis</c>, drawing from the app's
/// shared budget as well.
/// </summary>
internal sealed class AdaptiveEndpointRateLimiter : IEndpointRateLimiter, IDisposable
{
    private readonly Dictionary<ImCommand, AdaptivePacer> _pacers;
    private readonly HighResolutionTimeProvider? _timers;

    /// <param name="ceiling">Calls per second per endpoint at most.</param>
    /// <param name="timeProvider">The pacers' clock.</param>
    /// <param name="logger">Where pace cuts are logged.</param>
    /// <param name="shared">The shared budget, or null to pace this process alone.</param>
    /// <param name="shareCeiling">The ceiling while <paramref name="shared"/> cannot be reached.</param>
    public AdaptiveEndpointRateLimiter(double ceiling, TimeProvider timeProvider, ILogger<AdaptiveEndpointRateLimiter> logger, ISharedRateBudget? shared = null, double? shareCeiling = null)
    {
        // On the real clock the pacers wait with timers of their own: the system timers fire on a 4 ms grid on Linux,
        // which cost 2–3% of the rate (see HighResolutionTimeProvider). A test's clock is used as it is.
        _timers = ReferenceEquals(timeProvider, TimeProvider.System) ? new HighResolutionTimeProvider() : null;
        var clock = (TimeProvider?)_timers ?? timeProvider;
        _pacers = Enum.GetValues<ImCommand>().ToDictionary(
            command => command,
            command => new AdaptivePacer(command, ceiling, clock, logger, shared, shareCeiling));
    }

    public ValueTask<PacedCall> WaitAsync(ImCommand command, CancellationToken cancellationToken) =>
        _pacers[command].WaitAsync(cancellationToken);

    public void OnFrequencyLimited(PacedCall pacedCall) => _pacers[pacedCall.Command].OnFrequencyLimited(pacedCall);

    public void OnSuccess(PacedCall pacedCall) => _pacers[pacedCall.Command].OnSuccess(pacedCall);

    /// <summary>The endpoint's pace now (calls per second).</summary>
    internal double CurrentRate(ImCommand command) => _pacers[command].CurrentRate;

    /// <summary>The endpoint's ceiling now: the configured rate, or this process's share while the shared budget is unreachable.</summary>
    internal double CurrentCeiling(ImCommand command) => _pacers[command].CurrentCeiling;

    public void Dispose()
    {
        foreach (var pacer in _pacers.Values)
        {
            pacer.Dispose();
        }

        _timers?.Dispose();
    }
}
