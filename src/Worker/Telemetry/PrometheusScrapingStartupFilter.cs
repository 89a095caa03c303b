using Microsoft.Extensions.Options;

namespace TagWorker.Telemetry;

/// <summary>
/// Puts the Prometheus scrape endpoint in front of the service's request pipeline, so that turning it on is a setting
/// (<c>Telemetry:Prometheus:Enabled</c>) and not a change to how the web application is built.
/// </summary>
internal sealed class PrometheusScrapingStartupFilter(IOptions<TelemetryOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(options.Value.Prometheus.Path);
        next(app);
    };
}
