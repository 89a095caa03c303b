using TagWorker.ImSimulator.Api;
using TagWorker.ImSimulator.Faults;
using TagWorker.ImSimulator.Limits;
using TagWorker.ImSimulator.State;
using TagWorker.ImSimulator.Stats;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>Everything one simulator instance keeps: its settings, clock, tag state, limiters, counters and faults.</summary>
internal sealed class SimulatorCore
{
    public SimulatorCore(SimulatorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options.Clone();
        TimeProvider = timeProvider;
        Authenticator = new RequestAuthenticator(Options.SdkAppId, Options.AdminIdentifier, Options.SecretKey, timeProvider);
        Limiters = new EndpointCallLimiters(Options.CallsPerSecond, timeProvider);
        Faults = new FaultInjector(Options.Faults);
    }

    /// <summary>A copy of the settings the instance started with (later fault swaps are in <see cref="Faults"/>).</summary>
    public SimulatorOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public RequestAuthenticator Authenticator { get; }

    public UserTagStore Store { get; } = new();

    public EndpointCallLimiters Limiters { get; }

    public SimulatorStatistics Statistics { get; } = new();

    public FaultInjector Faults { get; }

    public SimulatorStats SnapshotStats() => Statistics.Snapshot(Limiters);

    /// <summary>Clears tag state, counters and rate windows; the faults in force stay.</summary>
    public void Reset()
    {
        Store.Clear();
        Statistics.Reset();
        Limiters.Reset();
    }
}
