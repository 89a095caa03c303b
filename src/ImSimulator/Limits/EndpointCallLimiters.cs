using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Limits;

/// <summary>One <see cref="SlidingWindowCallLimiter"/> per endpoint: the vendor limits each API on its own.</summary>
internal sealed class EndpointCallLimiters
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Dictionary<ImCommand, SlidingWindowCallLimiter> _limiters;

    public EndpointCallLimiters(int callsPerSecond, TimeProvider timeProvider) =>
        _limiters = Enum.GetValues<ImCommand>().ToDictionary(
            command => command,
            _ => new SlidingWindowCallLimiter(callsPerSecond, Window, timeProvider));

    public SlidingWindowCallLimiter For(ImCommand command) => _limiters[command];

    public void Reset()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Reset();
        }
    }
}
