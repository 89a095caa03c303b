using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Pipeline;
using TagWorker.Planning;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Merging;

/// <summary>
/// One user's progress on its own: changes arrive between the steps of earlier folds, steps are applied (or a step
/// is refused and the fold replayed one message at a time), and the user's tags always end as applying the events in
/// order says; every message resolves exactly once, in arrival order, and at most one step is ever out.
/// </summary>
public sealed class UserProgressPropertyTests
{
    /// <summary>Also: the step taken is for the endpoint the user was placed on (<see cref="UserProgress.NextCommand"/>).</summary>
    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void StepsApplied_ChangesArrivingBetweenSteps_EndAsTheEventsInOrder(MergeScenario scenario, PositiveInt seed, byte maxTags)
    {
        var planner = new BatchPlanner(100, 1 + (maxTags % 10));
        var progress = new UserProgress("u0");
        var random = new Random(seed.Get);
        var state = new HashSet<string>(scenario.Start, StringComparer.Ordinal);
        var expected = new HashSet<string>(scenario.Start, StringComparer.Ordinal);
        var events = scenario.All.ToArray();
        var resolved = new List<int>();
        var arrived = 0;
        var messages = new Dictionary<TrackedMessage, int>();
        while (resolved.Count < events.Length)
        {
            if (arrived < events.Length && (progress.IsIdle && !progress.InFlight || random.Next(3) == 0))
            {
                var e = events[arrived];
                TagModel.ApplyEvent(expected, e);
                var message = Tracked(arrived, e);
                messages.Add(message, arrived++);
                progress.Fold(message, message.Event, now: arrived);
                continue;
            }

            Assert.False(progress.InFlight);
            var next = progress.NextCommand;
            if (progress.TakeStep(planner) is not { } step)
            {
                resolved.AddRange(progress.TakeApplied().Select(m => messages[m]));
                continue;
            }

            Assert.True(progress.InFlight);
            Assert.Equal(next, step.Command);
            Apply(state, step);
            if (progress.StepApplied() is { } done)
            {
                resolved.AddRange(done.Select(m => messages[m]));
            }
        }

        Assert.True(progress.IsIdle);
        Assert.Equal(Enumerable.Range(0, events.Length), resolved);
        Assert.True(expected.SetEquals(state), $"expected [{string.Join(',', expected.Order(StringComparer.Ordinal))}] got [{string.Join(',', state.Order(StringComparer.Ordinal))}]");
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(TagScenarios)])]
    public void StepRejected_InAMergedFold_ReplaysTheMessagesAloneAndResolvesEachOnceInOrder(MergeScenario scenario, byte maxTags)
    {
        var planner = new BatchPlanner(100, 1 + (maxTags % 10));
        var progress = new UserProgress("u0");
        var messages = scenario.All.Select(Tracked).ToArray();
        foreach (var message in messages)
        {
            progress.Fold(message, message.Event, now: 0);
        }

        // The first step sent is refused; everything after it is applied.
        var resolved = new List<TrackedMessage>();
        var refused = false;
        var replaying = false;
        while (!progress.IsIdle)
        {
            if (progress.TakeStep(planner) is null)
            {
                resolved.AddRange(progress.TakeApplied());
                continue;
            }

            if (!refused)
            {
                refused = true;
                if (progress.StepRejected() is { } alone)
                {
                    resolved.Add(alone);
                }
                else
                {
                    replaying = true;
                }

                continue;
            }

            if (progress.StepApplied() is { } done)
            {
                Assert.True(!replaying || done.Count == 1, "after a merged fold is refused, its first message is replayed alone");
                replaying = false;
                resolved.AddRange(done);
            }
        }

        Assert.Equal(messages, resolved);
    }

    private static TrackedMessage Tracked(TagEvent e, int index) => Tracked(index, e);

    private static TrackedMessage Tracked(int index, TagEvent e) =>
        new(new RecordingSourceMessage($"m{index}", [], sequenceNumber: index + 1), new TagChangeEvent(1, $"e{index}", DateTimeOffset.UnixEpoch, e.Op, [e.User], e.Tags), index, 0);

    private static void Apply(HashSet<string> state, PlannedStep step)
    {
        switch (step.Command)
        {
            case ImCommand.AddTag:
                state.UnionWith(step.Tags);
                break;
            case ImCommand.RemoveTag:
                state.ExceptWith(step.Tags);
                break;
            default:
                state.Clear();
                break;
        }
    }
}
