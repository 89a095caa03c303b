namespace TagWorker.Telemetry;

/// <summary><c>Telemetry:Prometheus</c>: a scrape endpoint on the service's HTTP port, beside the health endpoints.</summary>
public sealed class PrometheusScrapeOptions
{
    /// <summary>Serve metrics in the Prometheus text format. Default false (metrics go out over OTLP).</summary>
    public bool Enabled { get; set; }

    /// <summary>The path. Default <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";
}
