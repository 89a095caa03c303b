using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;
using TagWorker.Telemetry;

namespace TagWorker.Hosting;

/// <summary>
/// Logs, metrics and traces: Serilog on the console (compact JSON in production), the <c>TagWorker</c> meter and
/// activity source with the runtime's, the HTTP client's and the Azure SDK's, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the worker's own spans only when a trace exporter is configured, or
/// <c>Telemetry:WorkerSpans</c> says so), to the console with <c>Telemetry:ConsoleExporter=true</c>, and scraped at
/// <c>Telemetry:Prometheus:Path</c> with <c>Telemetry:Prometheus:Enabled=true</c>.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddTagWorkerTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.TryAddSingleton(static sp => MessagingDestination.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<TagWorkerMetrics>();
        services.TryAddSingleton<PipelineStatistics>();
        services.TryAddSingleton<RateBudgetGauge>();
        services.TryAddSingleton<TagWorkerActivitySource>();

        // What gets registered depends on these, so they are read now; TelemetryOptionsValidator still reports a bad
        // value at start with its key (a value that is not a boolean fails here, also naming the key).
        var consoleExporter = configuration.GetValue<bool>($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.ConsoleExporter)}");
        var azureSdk = configuration.GetValue($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.AzureSdkTracing)}", true);
        var prometheus = configuration.GetValue<bool>($"{TelemetryOptions.SectionName}:Prometheus:{nameof(PrometheusScrapeOptions.Enabled)}");
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var workerSpans = configuration.GetValue<bool?>($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.WorkerSpans)}") ?? (otlp || consoleExporter);
        if (azureSdk)
        {
            AzureSdkTracing.Enable();
        }

        var identity = ServiceIdentity.FromConfiguration(configuration);
        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                resource.AddService(identity.Name, serviceVersion: identity.Version, autoGenerateServiceInstanceId: false, serviceInstanceId: identity.InstanceId);
                var kubernetes = new List<KeyValuePair<string, object>>();
                if (configuration["POD_NAME"] is { Length: > 0 } pod)
                {
                    kubernetes.Add(new("k8s.pod.name", pod));
                }

                if (configuration["POD_NAMESPACE"] is { Length: > 0 } ns)
                {
                    kubernetes.Add(new("k8s.namespace.name", ns));
                }

                resource.AddAttributes(kubernetes);
            })
            .WithTracing(tracing =>
            {
                // Without a listener the worker's source starts no spans at all (TagWorkerActivitySource returns null).
                if (workerSpans)
                {
                    tracing.AddSource(TagWorkerActivitySource.Name);
                }

                if (azureSdk)
                {
                    tracing.AddSource(AzureSdkTracing.SourceNames);
                }

                // The Azure SDK traces its own HTTP calls (identity); the HTTP client's span under it would repeat it.
                tracing.AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = static _ =>
                    Activity.Current?.Parent?.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) != true);
                if (consoleExporter)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TagWorkerMetrics.MeterName)
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Observable gauges exist once their owner does: create them with the provider, not on first use.
                    .AddInstrumentation(static sp => sp.GetRequiredService<PipelineStatistics>())
                    .AddInstrumentation(static sp => sp.GetRequiredService<RateBudgetGauge>());
                if (consoleExporter)
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
                }

                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            // Traces and metrics; endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* settings.
            openTelemetry.UseOtlpExporter();
        }

        if (prometheus)
        {
            services.AddTransient<IStartupFilter, PrometheusScrapingStartupFilter>();
        }

        // The official .NET container images set DOTNET_RUNNING_IN_CONTAINER=true.
        var production = builder.Environment.IsProduction()
            && string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        services.AddSerilog((sp, logger) =>
        {
            logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext();
            var format = configuration.GetSection(LogFormatOptions.SectionName).Get<LogFormatOptions>() ?? new LogFormatOptions();
            if (format.UseJson(production, Console.IsOutputRedirected))
            {
                // @t, @m (rendered), @l, @x, @tr and @sp (trace and span ids) and the properties.
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(formatProvider: CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }
}
