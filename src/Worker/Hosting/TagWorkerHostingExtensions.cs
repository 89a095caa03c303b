using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Serilog;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Dispatch.Pacing.Redis;
using TagWorker.ImApi;
using TagWorker.Intake;
using TagWorker.Planning;
using TagWorker.Settlement;
using TagWorker.Sources.Local;
using TagWorker.Sources.ServiceBus;
using TagWorker.Telemetry;

namespace TagWorker.Hosting;

/// <summary>The composition root's one call: everything TagWorker needs, chosen and validated from configuration.</summary>
public static class TagWorkerHostingExtensions
{
    /// <summary>Health check tag for readiness (<c>/readyz</c>); everything else is liveness (<c>/healthz</c>).</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddTagWorker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<WorkerOptions>().Bind(builder.Configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();

        var source = builder.Configuration.GetValue<string>("Source");
        if (string.Equals(source, nameof(SourceKind.ServiceBus), StringComparison.OrdinalIgnoreCase))
        {
            // Workload identity in Kubernetes, a managed identity in Azure, the developer's login elsewhere; used
            // only when ServiceBus:FullyQualifiedNamespace is set instead of a connection string.
            services.TryAddSingleton<Azure.Core.TokenCredential>(static _ => new Azure.Identity.DefaultAzureCredential());
            services.AddServiceBusSource();
        }
        else
        {
            services.AddLocalQueueSource();
        }

        services.AddBatching();
        services.AddImApiClient();
        services.AddEmbeddedSimulator(builder.Configuration);
        services.AddDispatch();

        services.AddSingleton<TagWorkerMetrics>();
        services.AddSingleton<MessageSettler>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<WorkerHealth>();
        services.AddSingleton<CircuitProbe>();
        services.AddSingleton<TagWorkerService>();
        services.AddHostedService(static sp => sp.GetRequiredService<TagWorkerService>());
        services.AddHealthChecks()
            .AddCheck<WorkerLivenessHealthCheck>("worker")
            .AddCheck<CircuitHealthCheck>("im-api-configuration", tags: [ReadyTag]);

        services.AddSerilog((sp, logger) => logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext());
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(TagWorkerMetrics.MeterName).AddHttpClientInstrumentation();
            if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                metrics.AddOtlpExporter();
            }
        });
        return builder;
    }

    /// <summary>
    /// Dispatch: the adaptive pacer per endpoint (local, or drawing from the Redis-shared budget with
    /// <c>RateLimit:Mode=Redis</c>), retry options, the configuration-fault circuit and the dispatcher.
    /// </summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services)
    {
        services.AddOptions<RetryOptions>().BindConfiguration(RetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetryOptions>, RetryOptionsValidator>();
        services.AddOptions<CircuitOptions>().BindConfiguration(CircuitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptionsWithValidateOnStart<RateLimitOptions, RateLimitOptionsValidator>().BindConfiguration(RateLimitOptions.SectionName);
        services.TryAddSingleton<RedisBudgetConnection>();
        services.TryAddSingleton<RedisSharedRateBudget>();
        services.AddSingleton<IEndpointRateLimiter>(static provider =>
        {
            var ceiling = provider.GetRequiredService<IOptions<ImApiOptions>>().Value.RequestsPerSecond;
            var limits = provider.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var shared = limits.Mode == RateLimitMode.Redis ? provider.GetRequiredService<RedisSharedRateBudget>() : null;
            return new AdaptiveEndpointRateLimiter(
                ceiling,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<AdaptiveEndpointRateLimiter>>(),
                shared,
                ceiling / limits.Replicas);
        });
        services.AddSingleton<ConfigurationFaultCircuit>();
        services.AddSingleton<RequestDispatcher>();
        return services;
    }

    /// <summary>Maps <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness) for Kubernetes probes.</summary>
    public static IEndpointRouteBuilder MapTagWorkerHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static c => !c.Tags.Contains(ReadyTag) });
        endpoints.MapHealthChecks("/readyz");
        return endpoints;
    }
}
