using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TagWorker.Contracts;
using TagWorker.Demo;
using TagWorker.Hosting;
using TagWorker.ImSimulator;
using TagWorker.Sources;
using TagWorker.Sources.Local;
using TagWorker.Telemetry;

namespace TagWorker.EndToEnd.Tests;

/// <summary>
/// A real simulator on 127.0.0.1 and a real SQLite queue file that outlive worker hosts, so a test can stop a worker
/// and start another on the same queue and API. Workers are the production host (<see cref="TagWorkerHost"/> and
/// <c>AddTagWorker</c>) with test-sized delays.
/// </summary>
internal sealed class WorkerRun : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tagworker-e2e-").FullName;

    private WorkerRun(RunningSimulator simulator)
    {
        Simulator = simulator;
    }

    public RunningSimulator Simulator { get; }

    public TagStateModel Model { get; } = new();

    public string QueuePath => Path.Combine(_directory, "queue.db");

    public static async Task<WorkerRun> StartAsync(FaultOptions faults, CancellationToken cancellationToken)
    {
        var simulator = await ImSimulatorApp.StartAsync(new SimulatorOptions { Faults = faults }, cancellationToken);
        return new WorkerRun(simulator);
    }

    public IHost BuildWorker(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Source"] = "Local",
            ["LocalQueue:Path"] = QueuePath,
            ["LocalQueue:PollInterval"] = "00:00:00.020",
            ["Simulator:Embedded"] = "false",
            ["ImApi:BaseUrl"] = Simulator.BaseAddress.ToString(),
            ["ImApi:SdkAppId"] = Simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["ImApi:AdminIdentifier"] = Simulator.Options.AdminIdentifier,
            ["ImApi:SecretKey"] = Simulator.Options.SecretKey,
            ["ImApi:Timeout"] = "00:00:05",
            ["Batching:MaxBatchDelay"] = "00:00:00.020",
            ["Retry:MaxAttempts"] = "30",
            ["Retry:BaseDelay"] = "00:00:00.010",
            ["Retry:MaxDelay"] = "00:00:00.200",
            ["Circuit:ProbeInterval"] = "00:00:00.200",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var builder = TagWorkerHost.CreateBuilder([], values);
        builder.AddTagWorker();
        return builder.Build();
    }

    /// <summary>Enqueues the events through the worker's own writer and applies them to the model.</summary>
    public async Task EnqueueAsync(IHost worker, IEnumerable<TagChangeEvent> events, CancellationToken cancellationToken)
    {
        var bodies = new List<ReadOnlyMemory<byte>>();
        foreach (var tagEvent in events)
        {
            Model.Apply(tagEvent);
            bodies.Add(TagChangeEventSerializer.SerializeToUtf8Bytes(tagEvent));
        }

        await worker.Services.GetRequiredService<ITagEventWriter>().EnqueueAsync(bodies, cancellationToken);
    }

    public static Task EnqueueRawAsync(IHost worker, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
        worker.Services.GetRequiredService<ITagEventWriter>().EnqueueAsync(bodies, cancellationToken);

    public static TagWorkerMetrics Metrics(IHost worker) => worker.Services.GetRequiredService<TagWorkerMetrics>();

    public static LocalQueue Queue(IHost worker) => worker.Services.GetRequiredService<LocalQueue>();

    public static IEnumerable<TagChangeEvent> Stream(int seed, int events, int users)
    {
        var generator = new SyntheticEventGenerator(seed, users, tagAlphabet: 30, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < events; i++)
        {
            yield return generator.Next();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may linger a moment; the temp folder is cleaned by the OS.
        }
    }
}
