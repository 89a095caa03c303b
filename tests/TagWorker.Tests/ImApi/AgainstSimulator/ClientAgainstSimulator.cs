using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>
/// The production client (<see cref="ImApiServiceCollectionExtensions.AddImApiClient"/>, resolved as
/// <see cref="IImTagClient"/>) wired by configuration to a real simulator on a loopback port. The simulator uses
/// non-default app settings so that a client which ignored its configuration could not pass.
/// </summary>
internal sealed class ClientAgainstSimulator : IAsyncDisposable
{
    public const long SdkAppId = 1400012345;
    public const string Admin = "tagworker-admin";
    public const string SecretKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private readonly ServiceProvider _services;

    private ClientAgainstSimulator(RunningSimulator simulator, ServiceProvider services)
    {
        Simulator = simulator;
        _services = services;
        Client = services.GetRequiredService<IImTagClient>();
    }

    public RunningSimulator Simulator { get; }

    public IImTagClient Client { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static SimulatorOptions DefaultSimulatorOptions() => new()
    {
        SdkAppId = SdkAppId,
        AdminIdentifier = Admin,
        SecretKey = SecretKey,
    };

    /// <summary>
    /// Starts a simulator (default options above, system clock unless <paramref name="simulatorTime"/>) and a client
    /// configured with that simulator's address, app, administrator and key; <paramref name="clientSettings"/> overrides
    /// or adds <c>ImApi:*</c> keys, and <paramref name="clientTime"/> is registered as the client's TimeProvider.
    /// </summary>
    public static async Task<ClientAgainstSimulator> StartAsync(
        SimulatorOptions? simulatorOptions = null,
        TimeProvider? simulatorTime = null,
        TimeProvider? clientTime = null,
        IReadOnlyDictionary<string, string?>? clientSettings = null)
    {
        var simulator = await ImSimulatorApp.StartAsync(simulatorOptions ?? DefaultSimulatorOptions(), Ct, simulatorTime);
        try
        {
            var options = simulator.Options;
            var settings = new Dictionary<string, string?>
            {
                ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
                ["ImApi:SdkAppId"] = options.SdkAppId.ToString(CultureInfo.InvariantCulture),
                ["ImApi:AdminIdentifier"] = options.AdminIdentifier,
                ["ImApi:SecretKey"] = options.SecretKey,
            };
            foreach (var (key, value) in clientSettings ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            services.AddLogging();
            if (clientTime is not null)
            {
                services.AddSingleton(clientTime);
            }

            services.AddImApiClient();
            return new ClientAgainstSimulator(simulator, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    public Task<ImCallResult> AddAsync(params UserTags[] users) => Client.SendAsync(new TagRequest(ImCommand.AddTag, users), Ct);

    public Task<ImCallResult> RemoveAsync(params UserTags[] users) => Client.SendAsync(new TagRequest(ImCommand.RemoveTag, users), Ct);

    public Task<ImCallResult> RemoveAllAsync(params string[] accounts) =>
        Client.SendAsync(new TagRequest(ImCommand.RemoveAllTags, accounts.Select(account => new UserTags(account, [])).ToArray()), Ct);

    public Task<ImGetTagsResult> GetTagsAsync(params string[] accounts) => Client.GetTagsAsync(accounts, Ct);

    /// <summary>The simulator's counters of one endpoint.</summary>
    public EndpointStats StatsOf(ImCommand command) => Simulator.SnapshotStats().Endpoints[ImCommandPaths.ToSegment(command)];

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
