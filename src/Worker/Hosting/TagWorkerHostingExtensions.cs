using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Dispatch.Pacing.Redis;
using TagWorker.ImApi;
using TagWorker.Intake;
using TagWorker.Pipeline;
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
        services.AddPipeline();
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
            .AddCheck<CircuitHealthCheck>("im-api-configuration", tags: [ReadyTag])
            .AddCheck<OutageHealthCheck>("im-api-outage", tags: [ReadyTag]);

        builder.AddTagWorkerTelemetry();
        return builder;
    }

    /// <summary>
    /// Dispatch: the adaptive pacer per endpoint (local, or drawing from the Redis-shared budget with
    /// <c>RateLimit:Mode=Redis</c>), retry options, the configuration-fault circuit and the dispatcher.
    /// </summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<RetryOptions, RetryOptionsValidator>().BindConfiguration(RetryOptions.SectionName);
        services.AddOptionsWithValidateOnStart<CircuitOptions, CircuitOptionsValidator>().BindConfiguration(CircuitOptions.SectionName);
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
        services.AddSingleton<OutageCircuit>();
        services.AddSingleton<HarmlessWriteProbe>();
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
