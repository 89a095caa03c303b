using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TagWorker.Dispatch;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.Intake;
using TagWorker.Pipeline;
using TagWorker.Planning;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;
using TagWorker.Telemetry;

namespace TagWorker.Tests.TestDoubles;

/// <summary>
/// The real dispatch, coordination and settlement stages wired as in production, with the IM API replaced by
/// <see cref="FakeImApi"/>, no rate budget and zero backoff delays, so tests exercise the logic, not the clock. A test
/// that drives the clock passes a fake <see cref="TimeProvider"/>; the <c>ServiceBus</c> section is bound so that
/// intake sees <c>ServiceBus:PartitionCount</c>.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public PipelineHarness(Dictionary<string, string?>? settings = null, TimeProvider? timeProvider = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ImApi:BaseUrl"] = "http://127.0.0.1:9/",
            ["ImApi:SdkAppId"] = "1400000000",
            ["ImApi:AdminIdentifier"] = "administrator",
            ["ImApi:SecretKey"] = "unit-test-key",
            ["Retry:MaxAttempts"] = "3",
            ["Retry:BaseDelay"] = "00:00:00",
            ["Retry:MaxDelay"] = "00:00:00",
            ["Retry:FrequencyLimitDelay"] = "00:00:00",
            ["Batching:MaxBatchDelay"] = "00:00:00.001",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(Log).SetMinimumLevel(LogLevel.Debug));
        services.AddMetrics();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddOptions<ServiceBusSourceOptions>().BindConfiguration(ServiceBusSourceOptions.SectionName);
        services.AddBatching();
        services.AddPipeline();
        services.AddImApiClient();
        services.AddDispatch();
        services.AddSingleton<IImTagClient>(Api);
        services.AddSingleton<IEndpointRateLimiter, UnlimitedRateLimiter>();
        services.AddSingleton<TagWorkerMetrics>();
        services.AddSingleton<TagWorkerActivitySource>();
        services.AddSingleton<PipelineStatistics>();
        services.AddSingleton<MessageSettler>();
        services.AddSingleton<EventIntake>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeImApi Api { get; } = new();

    /// <summary>What the pipeline logged (Information and above).</summary>
    public CollectingLoggerProvider Log { get; } = new();

    public IServiceProvider Services => _services;

    public RequestDispatcher Dispatcher => _services.GetRequiredService<RequestDispatcher>();

    public ConfigurationFaultCircuit Circuit => _services.GetRequiredService<ConfigurationFaultCircuit>();

    public TagWorkerMetrics Metrics => _services.GetRequiredService<TagWorkerMetrics>();

    public EventIntake Intake => _services.GetRequiredService<EventIntake>();

    /// <summary>A coordinator for one intake session; <paramref name="source"/> is what it asks about a waiting backlog.</summary>
    public PipelineCoordinator CreateCoordinator(ITagEventSource? source = null) =>
        source is null
            ? ActivatorUtilities.CreateInstance<PipelineCoordinator>(_services)
            : ActivatorUtilities.CreateInstance<PipelineCoordinator>(_services, source);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
