using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Cli;

/// <summary>
/// The service as Kubernetes runs it: the built worker in a child process, stopped with a real SIGTERM. A graceful
/// stop must drain and exit 0 (it used to exit 1 reading the host's disposed services after the run).
/// </summary>
public sealed class ServiceProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(7);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_Sigterm_AnswersHealthThenStopsAndExitsZero()
    {
        using var queue = new TemporaryQueue();
        await using var worker = WorkerProcess.Start(queue.Directory, "--urls=http://127.0.0.1:0", queue.Setting);

        var listening = await worker.WaitForLineAsync(@"listening on (http://\S+)", Wait);
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(new Uri(listening.Groups[1].Value), "/healthz"), Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await worker.TerminateAsync();

        Assert.Equal(0, await worker.WaitForExitAsync(Wait));
        Assert.Contains("TagWorker stopped", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("tagworker:", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_SigtermWhileACallIsInFlight_FinishesItCompletesTheMessageAndExitsZero()
    {
        var time = new CallHoldingTimeProvider(Latency);
        var options = new SimulatorOptions { Faults = new FaultOptions { Latency = Latency } };
        await using var simulator = await ImSimulatorApp.StartAsync(options, Ct, time);
        using var queue = new TemporaryQueue();
        await queue.EnqueueAsync("""{"version":1,"eventId":"e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1"],"tags":["vip"]}""");
        await using var worker = WorkerProcess.Start(
            queue.Directory,
            "--urls=http://127.0.0.1:0",
            queue.Setting,
            "--LocalQueue:PollInterval=00:00:00.020",
            "--Batching:MaxBatchDelay=00:00:00.010",
            "--Simulator:Embedded=false",
            $"--ImApi:BaseUrl={simulator.BaseAddress}",
            $"--ImApi:SdkAppId={simulator.Options.SdkAppId.ToString(CultureInfo.InvariantCulture)}",
            $"--ImApi:AdminIdentifier={simulator.Options.AdminIdentifier}",
            $"--ImApi:SecretKey={simulator.Options.SecretKey}",
            "--ImApi:Timeout=00:01:00",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Information");

        // The simulator holds the worker's call on its (fake) latency: SIGTERM arrives with it in flight.
        await time.CallHeld.WaitAsync(Wait, Ct);
        await worker.TerminateAsync();
        await worker.WaitForLineAsync("Application is shutting down", Wait);
        time.Advance(Latency);

        Assert.Equal(0, await worker.WaitForExitAsync(Wait));
        Assert.Contains("TagWorker stopped: 1 completed, 0 dead-lettered, 0 abandoned", worker.Output, StringComparison.Ordinal);
        Assert.Equal(["vip"], simulator.SnapshotState()["u1"]);
        Assert.Empty(await queue.ReadAllAsync());
    }

    [Fact]
    public async Task Service_SourceFails_ExitsOneWithTheReasonOnOneLine()
    {
        using var queue = new TemporaryQueue();
        // A queue file written by a newer TagWorker: the local source refuses to open it.
        using (var connection = new SqliteConnection($"Data Source={queue.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 100000";
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var worker = WorkerProcess.Start(queue.Directory, "--urls=http://127.0.0.1:0", queue.Setting);

        Assert.Equal(1, await worker.WaitForExitAsync(Wait));
        var reason = Assert.Single(worker.Output.Split('\n'), line => line.StartsWith("tagworker: ", StringComparison.Ordinal));
        Assert.Contains("schema version 100000", reason, StringComparison.Ordinal);
    }

    /// <summary>A fake clock for the simulator that reports when a call starts waiting out the injected latency.</summary>
    private sealed class CallHoldingTimeProvider(TimeSpan latency) : FakeTimeProvider
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task CallHeld => _held.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == latency)
            {
                _held.TrySetResult();
            }

            return timer;
        }
    }
}
