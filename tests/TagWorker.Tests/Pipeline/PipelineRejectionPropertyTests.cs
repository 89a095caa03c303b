using System.Globalization;
using FsCheck.Xunit;
using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// Issue 9's property: with an API that refuses chosen (user, tag) adds and enforces the 100-tag cap, plus transient
/// faults, the dead-lettered messages (and, for each, its failed users) and the final state equal applying the
/// events one by one (<see cref="OneByOneModel"/>), however the pipeline folds and packs them. The stream is
/// <see cref="RejectionScenario.Legal"/>: it leaves out only the case where folding legitimately differs from one by
/// one (a refused user's later removes undoing the refusal's cause inside a fold).
/// </summary>
public sealed class PipelineRejectionPropertyTests
{
    private const int Cap = 100;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Property(MaxTest = 500, Arbitrary = [typeof(RejectionScenarios)])]
    public void Accept_RefusedTagsCapAndTransientFaults_DeadLettersAndStateEqualOneByOne(RejectionScenario scenario) =>
        RunAsync(scenario).GetAwaiter().GetResult();

    private static async Task RunAsync(RejectionScenario scenario)
    {
        var events = scenario.Legal();
        var model = new OneByOneModel(scenario.Start, scenario.Refused, Cap);
        var expected = events.Select(model.Apply).ToArray();

        await using var harness = new PipelineHarness(new()
        {
            ["Batching:MaxUsersPerRequest"] = scenario.MaxUsers.ToString(CultureInfo.InvariantCulture),
            ["Batching:MaxTagsPerUserPerRequest"] = scenario.MaxTags.ToString(CultureInfo.InvariantCulture),
            // Transient faults here never exhaust a request's retries: the property is about refusals.
            ["Retry:MaxAttempts"] = "100",
        });
        harness.Api.MaxTagsPerUser = Cap;
        foreach (var (user, tags) in scenario.Start)
        {
            harness.Api.Seed(user, tags);
        }

        foreach (var (user, tag) in scenario.Refused)
        {
            harness.Api.RefuseTag(user, tag);
        }

        var faults = new Random(scenario.Seed);
        harness.Api.Script = (_, _) =>
        {
            lock (faults)
            {
                return faults.Next(100) < scenario.FaultPercent ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
            }
        };

        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var messages = new List<RecordingSourceMessage>();
        for (var i = 0; i < events.Length; i++)
        {
            var message = new RecordingSourceMessage($"m{i}", []);
            messages.Add(message);
            coordinator.Accept(message, new TagChangeEvent(1, $"e{i}", DateTimeOffset.UnixEpoch, events[i].Op, events[i].Users, events[i].Tags));
        }

        var outcomes = await Task.WhenAll(messages.Select(m => m.Settled)).WaitAsync(Wait);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait);

        var problems = new List<string>();
        for (var i = 0; i < events.Length; i++)
        {
            var want = expected[i].Order(StringComparer.Ordinal).ToArray();
            var got = messages[i].FailedUsers?.Select(f => f.User).Order(StringComparer.Ordinal).ToArray() ?? [];
            var wantOutcome = want.Length == 0 ? "completed" : "dead-lettered";
            if (outcomes[i] != wantOutcome || !want.SequenceEqual(got) || (want.Length > 0 && messages[i].DeadLetterReason != DeadLetterReasons.Rejected))
            {
                problems.Add($"m{i} {events[i]}: expected {wantOutcome} [{string.Join(',', want)}], got {outcomes[i]} [{string.Join(',', got)}] {messages[i].DeadLetterDescription}");
            }
        }

        var actual = harness.Api.Snapshot();
        foreach (var (user, tags) in model.State)
        {
            var got = actual.TryGetValue(user, out var have) ? have : [];
            if (!tags.Order(StringComparer.Ordinal).SequenceEqual(got.Order(StringComparer.Ordinal)))
            {
                problems.Add($"{user}: expected {tags.Count} tags, got {got.Count}: extra [{string.Join(',', got.Except(tags))}] missing [{string.Join(',', tags.Except(got))}]");
            }
        }

        foreach (var message in messages)
        {
            message.Dispose();
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
