using System.Globalization;
using System.Text;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// Issue 8's crash run with real processes: the stream is enqueued up front through the <c>enqueue</c> verb; the
/// worker service runs as a child process against the simulator and is SIGKILLed at seeded moments, each restart on
/// the same queue file; the last one runs until the queue is empty and is stopped with SIGTERM. Then the simulator's
/// state is compared with the model and the dead letters with the invalid bodies.
/// </summary>
/// <remarks>
/// A kill moment is a point in the run's progress, not in time, so it lands mid-run however fast the machine is:
/// kill N waits until a seeded share of the messages is settled (shares spread over 5–75% of the stream, one in each
/// of <see cref="CrashScenarioSettings.Kills"/> equal slices) and then until the live process has made a seeded
/// number (3–32) of further calls, so the kill falls among calls in flight rather than between polls of the queue.
/// The last share leaves a quarter of the stream to go, far more than 32 calls' worth.
/// </remarks>
internal static class CrashScenario
{
    private static readonly TimeSpan ProcessExit = TimeSpan.FromSeconds(30);

    public static async Task<CrashScenarioResult> RunAsync(CrashScenarioSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var stream = ScenarioStream.Generate(settings.Seed, settings.Events, settings.Users, settings.InvalidEvents);
        var faults = settings.Faults ?? StormFaults.Create(settings.Seed);
        await using var run = await WorkerProcessRun.StartAsync(faults, settings.WorkerSettings, cancellationToken).ConfigureAwait(false);
        log(Invariant($"Simulator at {run.Simulator.BaseAddress}; queue {run.QueuePath}; enqueueing {stream.Bodies.Count:N0} messages ({stream.InvalidCount} invalid) over {settings.Users:N0} users."));
        await run.EnqueueAsync(stream.Bodies, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);

        var messages = stream.Bodies.Count;
        var plan = KillPlan(settings);
        var kills = new List<KillPoint>();
        var started = TimeProvider.System.GetTimestamp();
        var deadline = started + (long)(settings.Timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var drained = false;
        foreach (var (share, extraCalls) in plan)
        {
            var worker = run.StartWorker();
            var callsAtStart = run.Simulator.SnapshotStats().TotalCalls;
            var target = (long)(share * messages);
            long settled = 0;
            var reached = await WorkerProcessRun.WaitUntilAsync(async ct =>
            {
                var unsettled = await run.UnsettledAsync(ct).ConfigureAwait(false);
                settled = messages - unsettled;
                drained = unsettled == 0;
                return drained || settled >= target;
            }, Remaining(deadline), worker, cancellationToken).ConfigureAwait(false);
            if (reached && !drained)
            {
                var callsAtTarget = run.Simulator.SnapshotStats().TotalCalls;
                reached = await WorkerProcessRun.WaitUntilAsync(async ct =>
                {
                    drained = await run.UnsettledAsync(ct).ConfigureAwait(false) == 0;
                    return drained || run.Simulator.SnapshotStats().TotalCalls - callsAtTarget >= extraCalls;
                }, Remaining(deadline), worker, cancellationToken).ConfigureAwait(false);
            }

            if (drained || !reached)
            {
                log(Invariant($"The run {(drained ? "finished" : "timed out")} before kill {kills.Count + 1}; {worker.Name} goes on to the end."));
                return await FinishAsync(run, worker, stream, settings, kills, started, deadline, log, cancellationToken).ConfigureAwait(false);
            }

            var calls = run.Simulator.SnapshotStats().TotalCalls - callsAtStart;
            var exitCode = await worker.KillAsync(ProcessExit, cancellationToken).ConfigureAwait(false);
            var counts = await run.CountsAsync(cancellationToken).ConfigureAwait(false);
            var leased = counts.Leased;
            settled = messages - counts.Active - counts.Leased;
            var kill = new KillPoint(kills.Count + 1, settled, calls, TimeProvider.System.GetElapsedTime(started), exitCode, leased);
            kills.Add(kill);
            log(Invariant($"SIGKILL {kill.Number}/{plan.Count}: {worker.Name} (pid {worker.Id}) at {kill.At.TotalSeconds:0.0} s, {settled:N0}/{messages:N0} messages settled, {calls:N0} calls into its life; exit code {exitCode}; {leased:N0} messages left leased."));
        }

        return await FinishAsync(run, run.StartWorker(), stream, settings, kills, started, deadline, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="worker"/> until the queue is empty, stops it with SIGTERM and checks the outcome.</summary>
    private static async Task<CrashScenarioResult> FinishAsync(
        WorkerProcessRun run,
        WorkerProcess worker,
        ScenarioStream stream,
        CrashScenarioSettings settings,
        List<KillPoint> kills,
        long started,
        long deadline,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        var drained = await WorkerProcessRun.WaitUntilAsync(
            async ct => await run.UnsettledAsync(ct).ConfigureAwait(false) == 0, Remaining(deadline), worker, cancellationToken).ConfigureAwait(false);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var stopExitCode = await worker.TerminateAsync(ProcessExit, cancellationToken).ConfigureAwait(false);
        log(Invariant($"{worker.Name} stopped with SIGTERM after {elapsed.TotalSeconds:0.0} s: exit code {stopExitCode}."));
        if (stopExitCode != 0)
        {
            // A failed stop says why on its last lines (the CLI's one-line reason on stderr).
            log(worker.LastOutput(3));
        }

        var deadLetters = await run.Queue.DeadLettersAsync(cancellationToken).ConfigureAwait(false);
        var stats = run.Simulator.SnapshotStats();
        return new CrashScenarioResult
        {
            Messages = stream.Bodies.Count,
            InvalidMessages = stream.InvalidCount,
            UsersChecked = stream.Model.UserCount,
            Differences = stream.Model.Differences(run.Simulator.SnapshotState()),
            Drained = drained,
            FinalCounts = await run.CountsAsync(cancellationToken).ConfigureAwait(false),
            DeadLetters = deadLetters,
            InvalidDeadLettered = deadLetters.Count(d => stream.InvalidBodies.Contains(Encoding.UTF8.GetString(d.Body.Span))),
            PlannedKills = settings.Kills,
            Kills = kills,
            StopExitCode = stopExitCode,
            Elapsed = elapsed,
            SimulatorCalls = stats.TotalCalls,
            InjectedFaults = stats.InjectedFaults,
        };
    }

    /// <summary>Per kill: the share of messages settled before it, and the calls the live process must make after that.</summary>
    private static List<(double Share, int ExtraCalls)> KillPlan(CrashScenarioSettings settings)
    {
        var random = new Random(settings.Seed * 31 + 7);
        var slice = 0.70 / Math.Max(settings.Kills, 1);
        return [.. Enumerable.Range(0, settings.Kills).Select(i => (0.05 + (i + random.NextDouble()) * slice, 3 + random.Next(30)))];
    }

    private static TimeSpan Remaining(long deadline) =>
        TimeSpan.FromSeconds(Math.Max(0, (double)(deadline - TimeProvider.System.GetTimestamp()) / TimeProvider.System.TimestampFrequency));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
