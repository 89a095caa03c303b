using FsCheck.Xunit;
using TagWorker.ImApi;
using TagWorker.Planning;
using TagWorker.Tests.Merging;

namespace TagWorker.Tests.Planning;

public class BatchPlannerPropertyTests
{
    private static readonly ImCommand[] PhaseOrder = [ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag];

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Plan_AnyChanges_KeepsEveryRequestWithinLimitsAndPhaseOrder(PlanScenario scenario)
    {
        var changes = TagModel.FoldPerUser(scenario.Events);

        var requests = new BatchPlanner(scenario.MaxUsers, scenario.MaxTags).Plan(changes);

        var phase = 0;
        foreach (var request in requests)
        {
            var index = Array.IndexOf(PhaseOrder, request.Command);
            Assert.True(index >= phase, $"{request.Command} after {PhaseOrder[phase]}");
            phase = index;

            Assert.InRange(request.Users.Count, 1, scenario.MaxUsers);
            Assert.Equal(request.Users.Count, request.Users.Select(u => u.Account).Distinct(StringComparer.Ordinal).Count());
            foreach (var user in request.Users)
            {
                Assert.False(changes[user.Account].IsEmpty, $"{user.Account} has nothing to do");
                if (request.Command == ImCommand.RemoveAllTags)
                {
                    Assert.Empty(user.Tags);
                }
                else
                {
                    Assert.InRange(user.Tags.Count, 1, scenario.MaxTags);
                    Assert.Equal(user.Tags.Count, user.Tags.Distinct(StringComparer.Ordinal).Count());
                }
            }
        }
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Plan_RequestsAppliedInOrder_GiveSameStatesAsEvents(PlanScenario scenario)
    {
        var expected = TagModel.Copy(scenario.Start);
        foreach (var e in scenario.Events)
        {
            TagModel.ApplyEvent(TagModel.StateOf(expected, e.User), e);
        }

        var actual = TagModel.Copy(scenario.Start);
        foreach (var request in new BatchPlanner(scenario.MaxUsers, scenario.MaxTags).Plan(TagModel.FoldPerUser(scenario.Events)))
        {
            TagModel.ApplyRequest(actual, request);
        }

        TagModel.AssertSameStates(expected, actual);
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Plan_AnyChanges_UsesMinimumRequestCountPerPhase(PlanScenario scenario)
    {
        var changes = TagModel.FoldPerUser(scenario.Events);

        var requests = new BatchPlanner(scenario.MaxUsers, scenario.MaxTags).Plan(changes);

        // The lower bound, computed here independently of the planner: a request holds at most MaxUsers user
        // chunks and never one user twice.
        int Minimum(IEnumerable<int> userChunks)
        {
            var chunks = userChunks.Where(c => c > 0).ToList();
            return chunks.Count == 0 ? 0 : Math.Max((chunks.Sum() + scenario.MaxUsers - 1) / scenario.MaxUsers, chunks.Max());
        }

        int Chunks(int tags) => (tags + scenario.MaxTags - 1) / scenario.MaxTags;

        var resets = Minimum(changes.Values.Select(c => c.Reset ? 1 : 0));
        var removes = Minimum(changes.Values.Select(c => Chunks(c.Removes.Count)));
        var adds = Minimum(changes.Values.Select(c => Chunks(c.Adds.Count)));
        Assert.Equal(resets, requests.Count(r => r.Command == ImCommand.RemoveAllTags));
        Assert.Equal(removes, requests.Count(r => r.Command == ImCommand.RemoveTag));
        Assert.Equal(adds, requests.Count(r => r.Command == ImCommand.AddTag));
        Assert.Equal(resets + removes + adds, BatchPlanner.MinimumRequestCount(changes, scenario.MaxUsers, scenario.MaxTags));
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Plan_AnyChanges_CarriesEveryTagOfEveryUserExactlyOnce(PlanScenario scenario)
    {
        var changes = TagModel.FoldPerUser(scenario.Events);

        var requests = new BatchPlanner(scenario.MaxUsers, scenario.MaxTags).Plan(changes);

        foreach (var (account, change) in changes)
        {
            IEnumerable<string> Sent(ImCommand command) =>
                requests.Where(r => r.Command == command).SelectMany(r => r.Users).Where(u => u.Account == account).SelectMany(u => u.Tags);

            Assert.Equal(change.Adds.Order(StringComparer.Ordinal), Sent(ImCommand.AddTag).Order(StringComparer.Ordinal));
            Assert.Equal(change.Removes.Order(StringComparer.Ordinal), Sent(ImCommand.RemoveTag).Order(StringComparer.Ordinal));
            Assert.Equal(
                change.Reset ? 1 : 0,
                requests.Count(r => r.Command == ImCommand.RemoveAllTags && r.Users.Any(u => u.Account == account)));
        }
    }
}
