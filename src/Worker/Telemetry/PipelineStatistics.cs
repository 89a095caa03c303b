using System.Diagnostics.Metrics;

namespace TagWorker.Telemetry;

/// <summary>
/// The pipeline's backlog as the coordinator last reported it, published as observable gauges
/// (<c>tagworker.pipeline.held_messages</c>, <c>.pending_users</c>, <c>.oldest_pending_age</c>). The coordinator sets
/// the figures whenever they change; exporters read them on their own schedule, from other threads, so every
/// figure is a single atomic word.
/// </summary>
public sealed class PipelineStatistics
{
    private readonly TimeProvider _timeProvider;
    private int _heldMessages;
    private int _pendingUsers;

    // UtcTicks of the oldest pending change; 0 when nothing is pending.
    private long _oldestPendingSinceTicks;

    public PipelineStatistics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var meter = meterFactory.Create(TagWorkerMetrics.MeterName);
        Gauge(meter, TagWorkerInstruments.HeldMessages, () => HeldMessages);
        Gauge(meter, TagWorkerInstruments.PendingUsers, () => PendingUsers);
        var age = TagWorkerInstruments.OldestPendingAge;
        meter.CreateObservableGauge(age.Name, () => OldestPendingAge.TotalSeconds, age.Unit, age.Description);
    }

    /// <summary>Messages handed to the pipeline and not settled yet.</summary>
    public int HeldMessages
    {
        get => Volatile.Read(ref _heldMessages);
        set => Volatile.Write(ref _heldMessages, value);
    }

    /// <summary>Users with changes not yet applied (waiting to be packed, or in a call on the wire).</summary>
    public int PendingUsers
    {
        get => Volatile.Read(ref _pendingUsers);
        set => Volatile.Write(ref _pendingUsers, value);
    }

    /// <summary>When the oldest change not yet applied arrived; null when nothing is pending.</summary>
    public DateTimeOffset? OldestPendingSince
    {
        get
        {
            var ticks = Interlocked.Read(ref _oldestPendingSinceTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        set => Interlocked.Exchange(ref _oldestPendingSinceTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>How long the oldest pending change has waited; zero when nothing is pending.</summary>
    public TimeSpan OldestPendingAge
    {
        get
        {
            var since = OldestPendingSince;
            if (since is null)
            {
                return TimeSpan.Zero;
            }

            var age = _timeProvider.GetUtcNow() - since.Value;
            return age < TimeSpan.Zero ? TimeSpan.Zero : age;
        }
    }

    private static void Gauge(Meter meter, InstrumentDescription instrument, Func<int> read) =>
        meter.CreateObservableGauge(instrument.Name, read, instrument.Unit, instrument.Description);
}
