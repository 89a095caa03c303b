namespace TagWorker.Telemetry;

/// <summary>
/// <c>Telemetry</c> settings. Export over OTLP is standard OpenTelemetry configuration
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>) and is on when the endpoint is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Print spans and metrics to the console, for a look at them locally. Default false.</summary>
    public bool ConsoleExporter { get; set; }

    /// <summary>
    /// Turn on the Azure SDK's spans (Service Bus receive and settle, identity) by setting its experimental switch
    /// <c>Azure.Experimental.EnableActivitySource</c>, unless <c>AZURE_EXPERIMENTAL_ENABLE_ACTIVITY_SOURCE</c> says
    /// otherwise. Default true.
    /// </summary>
    public bool AzureSdkTracing { get; set; } = true;

    /// <summary>
    /// Record the worker's own spans (one per message from hand-off to settlement, one per IM call). Unset: on when a
    /// trace exporter is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <see cref="ConsoleExporter"/>). A message's
    /// span is open for as long as the message is held, about 420 bytes each, so with nothing to export them to a
    /// window of 200,000 messages would hold some 85 MB of spans nobody reads.
    /// </summary>
    public bool? WorkerSpans { get; set; }

    /// <summary>The optional Prometheus scrape endpoint.</summary>
    public PrometheusScrapeOptions Prometheus { get; set; } = new();
}
