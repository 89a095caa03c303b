using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using TagWorker.ImApi;

namespace TagWorker.Telemetry;

/// <summary>
/// Publishes the configured rate budget per endpoint (<c>tagworker.im.rate_limit</c>), so a dashboard can draw calls
/// per second against what each replica was allowed rather than against a number typed into the panel.
/// </summary>
public sealed class RateBudgetGauge
{
    public RateBudgetGauge(IMeterFactory meterFactory, IOptions<ImApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);
        var instrument = TagWorkerInstruments.RateLimit;
        var endpoints = Enum.GetValues<ImCommand>();
        meterFactory.Create(TagWorkerMetrics.MeterName).CreateObservableGauge(
            instrument.Name,
            () => Array.ConvertAll(endpoints, c => new Measurement<double>(options.Value.RequestsPerSecond, new KeyValuePair<string, object?>(TagWorkerAttributes.Endpoint, ImCommandPaths.ToSegment(c)))),
            instrument.Unit,
            instrument.Description);
    }
}
