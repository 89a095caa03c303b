using Microsoft.Extensions.Options;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Hosting;

/// <summary>
/// The IM simulator hosted in-process on 127.0.0.1, so a fresh clone runs the whole job with no Tencent account.
/// Used only when <c>Simulator:Embedded</c> is true and neither <c>ImApi:Region</c> nor <c>ImApi:BaseUrl</c> is set;
/// the worker's API settings (base URL, SDKAppID, admin, key) are then taken from the simulator's.
/// </summary>
public sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly Lazy<RunningSimulator> _running;

    public EmbeddedSimulator(IOptions<SimulatorOptions> options, ILogger<EmbeddedSimulator> logger)
    {
        _running = new Lazy<RunningSimulator>(() =>
        {
            // Options post-configuration is synchronous, and the worker cannot build its client before the simulator
            // listens, so this one start-up step blocks.
            var running = ImSimulatorApp.StartAsync(options.Value, CancellationToken.None).GetAwaiter().GetResult();
            EmbeddedSimulatorLog.Started(logger, running.BaseAddress);
            return running;
        });
    }

    /// <summary>The running simulator (started on first use).</summary>
    public RunningSimulator Running => _running.Value;

    public async ValueTask DisposeAsync()
    {
        if (_running.IsValueCreated)
        {
            await _running.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}

internal static partial class EmbeddedSimulatorLog
{
    [LoggerMessage(4010, LogLevel.Warning, "Using the embedded IM simulator at {Address}: no real Tencent Cloud IM calls are made. Set ImApi:Region (or ImApi:BaseUrl) for production.")]
    public static partial void Started(ILogger logger, Uri address);
}

/// <summary>Registration of the embedded simulator.</summary>
public static class EmbeddedSimulatorServiceCollectionExtensions
{
    public static IServiceCollection AddEmbeddedSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        var wanted = configuration.GetValue("Simulator:Embedded", false)
            && string.IsNullOrEmpty(configuration["ImApi:Region"])
            && string.IsNullOrEmpty(configuration["ImApi:BaseUrl"]);
        if (!wanted)
        {
            return services;
        }

        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName);
        services.AddSingleton<EmbeddedSimulator>();
        services.AddOptions<ImApiOptions>().PostConfigure<EmbeddedSimulator, IOptions<SimulatorOptions>>((api, simulator, simulatorOptions) =>
        {
            api.BaseUrl = simulator.Running.BaseAddress;
            api.Region = null;
            api.SdkAppId = simulatorOptions.Value.SdkAppId;
            api.AdminIdentifier = simulatorOptions.Value.AdminIdentifier;
            api.SecretKey = simulatorOptions.Value.SecretKey;
        });
        return services;
    }
}
