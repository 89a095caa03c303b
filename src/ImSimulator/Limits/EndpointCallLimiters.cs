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

    /// <summary>Each endpoint's limit now, keyed by command name (<c>im_add_tag</c>, …).</summary>
    public IReadOnlyDictionary<string, int> Snapshot() =>
        _limiters.ToDictionary(limiter => ImCommandPaths.ToSegment(limiter.Key), limiter => limiter.Value.Limit, StringComparer.Ordinal);

    /// <summary>Applies a change that <see cref="LimitsChangeValidator"/> accepted: all endpoints first, then the named ones.</summary>
    public void Apply(SimulatorLimitsChange change)
    {
        if (change.CallsPerSecond is { } all)
        {
            foreach (var limiter in _limiters.Values)
            {
                limiter.Limit = all;
            }
        }

        foreach (var (name, limit) in change.Endpoints ?? new Dictionary<string, int>())
        {
            if (ImCommandPaths.TryParse(name, out var command))
            {
                _limiters[command.Value].Limit = limit;
            }
        }
    }

    public void Reset()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Reset();
        }
    }
}
