using System.Globalization;
using TagWorker.ImSimulator;
using TagWorker.Sources.Local;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// What outlives worker processes in a process-level run: the IM simulator (in this process, on 127.0.0.1:0) and a
/// local queue file in a temp folder. Worker processes are started on both with the same settings each time, as an
/// operator restarting the service would; the API key goes through the environment, not the process list.
/// </summary>
internal sealed class WorkerProcessRun : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _directory = Directory.CreateTempSubdirectory("tagworker-proc-").FullName;
    private readonly Dictionary<string, string> _environment;
    private readonly List<WorkerProcess> _processes = [];
    private QueueInspector? _inspector;
    private int _workers;
    private int _files;

    private WorkerProcessRun(RunningSimulator simulator, IReadOnlyDictionary<string, string?> settings)
    {
        Simulator = simulator;
        var options = simulator.Options;
        Settings = new Dictionary<string, string?>
        {
            ["Source"] = "Local",
            ["LocalQueue:Path"] = QueuePath,
            ["Simulator:Embedded"] = "false",
            ["ImApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["ImApi:SdkAppId"] = options.SdkAppId.ToString(CultureInfo.InvariantCulture),
            ["ImApi:AdminIdentifier"] = options.AdminIdentifier,
            // The health endpoints on a free loopback port: several workers may run on one machine.
            ["Urls"] = "http://127.0.0.1:0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            Settings[key] = value;
        }

        _environment = new Dictionary<string, string> { ["ImApi__SecretKey"] = options.SecretKey };
    }

    public RunningSimulator Simulator { get; }

    public string QueuePath => Path.Combine(_directory, "queue.db");

    /// <summary>The worker's settings (every process of the run gets the same), without the API key.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>The queue file, read the way the CLI's tools read it; opened on first use.</summary>
    public QueueInspector Queue => _inspector ??= new QueueInspector(WithSecret());

    /// <summary>
    /// Starts the simulator with <paramref name="faults"/>. <paramref name="settings"/> are worker settings
    /// (<c>Section:Key</c>) on top of the run's own (source, queue path, API address and credentials).
    /// </summary>
    public static async Task<WorkerProcessRun> StartAsync(FaultOptions faults, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var simulator = await ImSimulatorApp.StartAsync(new SimulatorOptions { Faults = faults }, cancellationToken).ConfigureAwait(false);
        return new WorkerProcessRun(simulator, settings);
    }

    /// <summary>
    /// Puts the bodies on the queue through the real <c>enqueue</c> verb (a JSON Lines file, <c>--no-validate</c> so
    /// the invalid ones go too), in order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The verb failed; the message has its output.</exception>
    public async Task EnqueueAsync(IReadOnlyList<byte[]> bodies, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var file = Path.Combine(_directory, $"events-{++_files}.jsonl");
        await using (var stream = File.Create(file))
        {
            foreach (var body in bodies)
            {
                await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
                stream.WriteByte((byte)'\n');
            }
        }

        var enqueue = Start("enqueue", ["enqueue", file, "--no-validate"]);
        var exitCode = await enqueue.WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0 || !enqueue.Output.Contains($"enqueued {bodies.Count} events", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"enqueue exited with {exitCode}:{Environment.NewLine}{enqueue.Output}");
        }
    }

    /// <summary>Starts the worker service (the CLI without a verb) on the run's queue and simulator.</summary>
    public WorkerProcess StartWorker() => Start($"worker #{++_workers}", []);

    /// <summary>Messages on the queue that are neither completed nor dead-lettered yet (available or leased).</summary>
    public async Task<long> UnsettledAsync(CancellationToken cancellationToken)
    {
        var counts = await Queue.CountsAsync(cancellationToken).ConfigureAwait(false);
        return counts.Active + counts.Leased;
    }

    public Task<LocalQueueCounts> CountsAsync(CancellationToken cancellationToken) => Queue.CountsAsync(cancellationToken);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds (true) or <paramref name="timeout"/> passes (false). If
    /// <paramref name="worker"/> exits meanwhile, that is a crash nobody asked for: it throws with the worker's output.
    /// </summary>
    public static async Task<bool> WaitUntilAsync(
        Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, WorkerProcess? worker, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        using var timer = new PeriodicTimer(PollInterval);
        while (true)
        {
            if (await condition(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            if (worker is { HasExited: true })
            {
                throw new InvalidOperationException($"{worker.Name} (pid {worker.Id}) exited by itself with code {worker.ExitCode}. Its last output:{Environment.NewLine}{worker.Output}");
            }

            if (TimeProvider.System.GetTimestamp() >= deadline)
            {
                return false;
            }

            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        _inspector?.Dispose();
        await Simulator.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may linger a moment; the temp folder is cleaned by the OS.
        }
    }

    private WorkerProcess Start(string name, IEnumerable<string> verb)
    {
        var arguments = verb.Concat(Settings.Select(static s => $"--{s.Key}={s.Value}"));
        var process = WorkerProcess.Start(name, arguments, _environment);
        _processes.Add(process);
        return process;
    }

    private Dictionary<string, string?> WithSecret() => new(Settings) { ["ImApi:SecretKey"] = Simulator.Options.SecretKey };
}
