using TagWorker.ImSimulator.Hosting;
using TagWorker.ImSimulator.Limits;

namespace TagWorker.ImSimulator;

/// <summary>
/// A simulator started in-process by <see cref="ImSimulatorApp.StartAsync"/>. Disposing it stops the server; calls
/// held by injected latency are aborted.
/// </summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorCore _core;

    internal RunningSimulator(WebApplication app, SimulatorCore core, Uri baseAddress)
    {
        _app = app;
        _core = core;
        BaseAddress = baseAddress;
    }

    /// <summary>The root of the server, e.g. <c>http://127.0.0.1:49152/</c> (with the trailing slash).</summary>
    public Uri BaseAddress { get; }

    /// <summary>A copy of the options the simulator started with; changing it has no effect (use <see cref="Faults"/>).</summary>
    public SimulatorOptions Options => _core.Options.Clone();

    /// <summary>
    /// The faults in force (a copy). Setting replaces them atomically for every later call, e.g. turn a forced 90009 on
    /// and off again; safe from any thread.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of its documented range.</exception>
    public FaultOptions Faults
    {
        get => _core.Faults.Current;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var validation = SimulatorOptionsValidator.ValidateFaults(value);
            if (validation.Failed)
            {
                throw new ArgumentException(validation.FailureMessage, nameof(value));
            }

            _core.Faults.Current = value;
        }
    }

    /// <summary>Each endpoint's frequency limit now (calls per sliding one-second window).</summary>
    public SimulatorLimits Limits => new(_core.Limiters.Snapshot());

    /// <summary>
    /// Changes frequency limits for every later call, e.g. squeeze <c>im_add_tag</c> to 60 calls/s and back; safe from any
    /// thread. Calls already in the window stay there, so lowering a limit refuses calls until the window drains to it.
    /// </summary>
    /// <exception cref="ArgumentException">The change is empty, names an unknown command, or a value is outside 1–100000.</exception>
    public SimulatorLimits ChangeLimits(SimulatorLimitsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = LimitsChangeValidator.Validate(change);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(change));
        }

        _core.Limiters.Apply(change);
        return Limits;
    }

    /// <summary>Every user holding at least one tag, with the tags sorted ordinally.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SnapshotState() => _core.Store.Snapshot();

    /// <summary>The counters since start or the last <see cref="Reset"/>.</summary>
    public SimulatorStats SnapshotStats() => _core.SnapshotStats();

    /// <summary>Clears every user's tags, the counters and the rate windows. The faults and limits in force stay.</summary>
    public void Reset() => _core.Reset();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
