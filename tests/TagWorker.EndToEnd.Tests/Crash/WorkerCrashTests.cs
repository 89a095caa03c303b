using TagWorker.EndToEnd.Tests.Processes;
using TagWorker.Settlement;

namespace TagWorker.EndToEnd.Tests.Crash;

/// <summary>
/// Issue 8 item 6: the worker service as a real process, SIGKILLed mid-run again and again and restarted on the
/// same queue file, must still end with every user's tags equal to applying that user's events in queue order.
/// </summary>
[Collection(WorkerProcessRuns.Name)]
public sealed class WorkerCrashTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkerService_SigKilledSixTimesUnderFaultStorm_EndsEqualToModelWithOnlyInvalidEventsDeadLettered()
    {
        var settings = new CrashScenarioSettings
        {
            Events = 20_000,
            Users = 4_000,
            InvalidEvents = 6,
            Kills = 6,
            Seed = 8,
            WorkerSettings = new Dictionary<string, string?>
            {
                // A window of 2,000 unsettled messages (the default is 20,000, the whole stream): each kill then
                // leaves leased messages behind while later ones are still available, the case issue 8 is about.
                ["LocalQueue:MaxConcurrentMessages"] = "2000",
                ["LocalQueue:ReceiveBatchSize"] = "250",
                // The dead process's leases run out within the test's time (30 s by default).
                ["LocalQueue:LockDuration"] = "00:00:10",
                ["LocalQueue:PollInterval"] = "00:00:00.050",
                ["Batching:MaxBatchDelay"] = "00:00:00.050",
                // Enough attempts that no request exhausts them: this test is about order, the storm test about giving up.
                ["Retry:MaxAttempts"] = "30",
                ["Retry:BaseDelay"] = "00:00:00.010",
                ["Retry:MaxDelay"] = "00:00:00.200",
                ["Circuit:ProbeInterval"] = "00:00:00.200",
                ["ImApi:Timeout"] = "00:00:05",
            },
            Timeout = TimeSpan.FromSeconds(150),
        };

        var result = await CrashScenario.RunAsync(settings, Log, Ct);
        foreach (var line in result.Summary())
        {
            Log(line);
        }

        Assert.True(result.Drained, "the queue must be empty before the timeout");
        Assert.True(result.Kills.Count == settings.Kills, $"only {result.Kills.Count} of {settings.Kills} kills landed before the queue was empty");
        Assert.All(result.Kills, k => Assert.Equal(WorkerProcess.SigKillExitCode, k.ExitCode));
        // Each kill must have left the dead process's leases behind, or the restart had nothing to get right.
        Assert.All(result.Kills, k => Assert.True(k.LeasedAfterKill > 0, $"kill {k.Number} left no leased messages"));
        Assert.True(result.InjectedFaults > 0, "the run must have met injected faults");
        Assert.True(result.Differences.Count == 0, $"{result.Differences.Count} of {result.UsersChecked} users differ from the model, e.g.{Environment.NewLine}{string.Join(Environment.NewLine, result.Differences.Take(5))}");
        Assert.Equal((0L, 0L, (long)settings.InvalidEvents), (result.FinalCounts.Active, result.FinalCounts.Leased, result.FinalCounts.DeadLettered));
        Assert.Equal(settings.InvalidEvents, result.InvalidDeadLettered);
        Assert.All(result.DeadLetters, d => Assert.Equal(DeadLetterReasons.InvalidEvent, d.Reason));
        Assert.Equal(0, result.StopExitCode);
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
