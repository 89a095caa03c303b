using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.Dispatch;
using TagWorker.Hosting;
using TagWorker.ImApi;
using TagWorker.Telemetry;

namespace TagWorker.Benchmarks.SharedBudget;

/// <summary>
/// One "worker" reduced to its dispatch stage, in this process: the production IM client, pacer (local or shared)
/// and <see cref="RequestDispatcher"/> from the worker's own registration, kept saturated by as many loops as the
/// worker may have calls in flight, each sending 100-user adds of new users. Measures the pacer under a backlog
/// without the rest of the pipeline in the way.
/// </summary>
internal sealed class DispatchDriver : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public DispatchDriver(IReadOnlyDictionary<string, string> settings, int index)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(static s => s.Key, static s => (string?)s.Value)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TagWorkerMetrics>();
        services.AddSingleton<TagWorkerActivitySource>();
        services.AddImApiClient();
        services.AddDispatch();
        _services = services.BuildServiceProvider();
        var dispatcher = _services.GetRequiredService<RequestDispatcher>();
        var loops = int.Parse(settings.GetValueOrDefault("ImApi:MaxConcurrentRequests", "32"), System.Globalization.CultureInfo.InvariantCulture);
        for (var loop = 0; loop < loops; loop++)
        {
            var name = $"d{index}l{loop}";
            _loops.Add(Task.Run(() => RunAsync(dispatcher, name, _stop.Token)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the end of the run.
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(RequestDispatcher dispatcher, string name, CancellationToken cancellationToken)
    {
        for (var request = 0L; !cancellationToken.IsCancellationRequested; request++)
        {
            var users = Enumerable.Range(0, 100).Select(user => new UserTags($"{name}r{request}u{user}", ["t"])).ToArray();
            await dispatcher.DispatchAsync(new TagRequest(ImCommand.AddTag, users), cancellationToken).ConfigureAwait(false);
        }
    }
}
