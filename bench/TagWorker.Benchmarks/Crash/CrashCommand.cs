using System.CommandLine;
using System.Globalization;
using TagWorker.EndToEnd.Tests.Processes;

namespace TagWorker.Benchmarks.Crash;

/// <summary>
/// The <c>crash</c> and <c>storm</c> verbs: issue 8's and issue 9's runs at operator scale, with real processes
/// (<see cref="CrashScenario"/>, the scenario the end-to-end tests run). The worker service runs as a child process
/// on a fresh local queue against an in-process simulator with the storm's faults (20% 91000, 5% HTTP 502, 2% dropped
/// connections, lost responses where the simulator has them) on the worker's default settings; other arguments are
/// worker settings (<c>--Section:Key=value</c>). <c>crash</c> SIGKILLs it at seeded moments and restarts it each time;
/// <c>storm</c> does not. Both print users checked and wrong, dead letters by reason, kills and elapsed time.
/// Exit code 1 when a user is wrong, a valid message was dead-lettered (storm) or the run timed out.
/// </summary>
internal static class CrashCommand
{
    public static Command CreateCrash() => Create(
        "crash",
        "Issue 8's crash run: the worker service as a child process on the local queue, SIGKILLed at seeded moments and restarted, under the storm's faults; checks every user's tags against a model.",
        defaultKills: 6);

    public static Command CreateStorm() => Create(
        "storm",
        "Issue 9's storm run: the worker service as a child process on the local queue under 27% transient faults; prints dead letters by reason and checks every user's tags against a model.",
        defaultKills: 0);

    private static Command Create(string name, string description, int defaultKills)
    {
        var events = new Option<int>("--events") { Description = "Valid events to enqueue.", DefaultValueFactory = _ => 30_000 };
        var users = new Option<int>("--users") { Description = "Users the events are spread over.", DefaultValueFactory = _ => 5_000 };
        var invalid = new Option<int>("--invalid") { Description = "Invalid events mixed in (they alone should be dead-lettered).", DefaultValueFactory = _ => 6 };
        var kills = new Option<int>("--kills") { Description = "SIGKILLs at seeded moments, each followed by a restart.", DefaultValueFactory = _ => defaultKills };
        var seed = new Option<int>("--seed") { Description = "Seed of the stream, the kill moments and the fault draws.", DefaultValueFactory = _ => 1 };
        var lostResponses = new Option<bool>("--lost-responses")
        {
            Description = "Lose 2% of responses after applying the change (needs Simulator:Faults:LostResponseRate in the simulator).",
            DefaultValueFactory = _ => StormFaults.LostResponses,
        };
        var timeout = new Option<int>("--timeout-minutes") { Description = "Longest the run may take until the queue is empty.", DefaultValueFactory = _ => 15 };
        var command = new Command(name, description) { events, users, invalid, kills, seed, lostResponses, timeout };
        command.TreatUnmatchedTokensAsErrors = false;
        foreach (var (option, least) in new[] { (events, 1), (users, 2), (invalid, 0), (kills, 0), (timeout, 1) })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < least)
                {
                    result.AddError($"{option.Name} must be at least {least}.");
                }
            });
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            CrashScenarioSettings settings;
            try
            {
                settings = new CrashScenarioSettings
                {
                    Events = parse.GetValue(events),
                    Users = parse.GetValue(users),
                    InvalidEvents = parse.GetValue(invalid),
                    Kills = parse.GetValue(kills),
                    Seed = parse.GetValue(seed),
                    Faults = StormFaults.Create(parse.GetValue(seed), parse.GetValue(lostResponses)),
                    WorkerSettings = WorkerSettingsArguments.Parse(parse.UnmatchedTokens),
                    Timeout = TimeSpan.FromMinutes(parse.GetValue(timeout)),
                };
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // A malformed setting, or a fault the simulator does not have (lost responses before they are merged).
                await Console.Error.WriteLineAsync($"{name}: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(name, settings, parse.GetValue(lostResponses), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(string name, CrashScenarioSettings settings, bool lostResponses, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        output.WriteLine(Invariant($"TagWorker {name}: {settings.Events:N0} events over {settings.Users:N0} users (+{settings.InvalidEvents} invalid), {settings.Kills} SIGKILLs, seed {settings.Seed}; faults 20% 91000, 5% HTTP 502, 2% dropped connections, lost responses {(lostResponses ? "on" : "off")}; worker settings: {(settings.WorkerSettings.Count == 0 ? "defaults" : string.Join(" ", settings.WorkerSettings.Select(static s => $"{s.Key}={s.Value}")))}"));
        var result = await CrashScenario.RunAsync(settings, output.WriteLine, cancellationToken).ConfigureAwait(false);
        output.WriteLine();
        output.WriteLine("Summary");
        foreach (var line in result.Summary())
        {
            output.WriteLine(line);
        }

        var failed = result.Differences.Count > 0 || !result.Drained || (settings.Kills == 0 && result.ValidDeadLettered > 0);
        output.WriteLine(Invariant($"  state check         {(result.Differences.Count == 0 ? "PASSED: every user's tags equal the model's" : $"FAILED: {result.Differences.Count:N0} of {result.UsersChecked:N0} users wrong")}"));
        return failed ? 1 : 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
