using TagWorker.Contracts;
using TagWorker.Demo;
using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Pipeline;

public sealed class PipelineCoordinatorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static TagChangeEvent Add(string id, string[] users, params string[] tags) => new(1, id, At, TagOperation.Add, users, tags);

    private static TagChangeEvent Remove(string id, string[] users, params string[] tags) => new(1, id, At, TagOperation.Remove, users, tags);

    private static RecordingSourceMessage Message(string id, SettlementLog? log = null) => new(id, [], 1) { Log = log };

    [Fact]
    public async Task Accept_RandomStream_FinalStateEqualsModelAndAllComplete()
    {
        await using var harness = new PipelineHarness(new() { ["Batching:MaxUsersPerRequest"] = "7", ["Batching:MaxTagsPerUserPerRequest"] = "2" });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var generator = new SyntheticEventGenerator(seed: 7, users: 25, tagAlphabet: 12, At);
        var model = new TagStateModel();
        var messages = new List<RecordingSourceMessage>();
        for (var i = 0; i < 400; i++)
        {
            var tagEvent = generator.Next();
            model.Apply(tagEvent);
            var message = Message($"m{i}");
            messages.Add(message);
            coordinator.Accept(message, tagEvent);
        }

        var outcomes = await Task.WhenAll(messages.Select(m => m.Settled)).WaitAsync(Wait, Ct);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        Assert.All(outcomes, o => Assert.Equal("completed", o));
        Assert.Empty(model.Differences(harness.Api.Snapshot()));
        Assert.All(harness.Api.Calls, c =>
        {
            Assert.InRange(c.Users.Count, 1, 7);
            Assert.All(c.Users, u => Assert.InRange(u.Tags.Count, 0, 2));
            Assert.Equal(c.Users.Count, c.Users.Select(u => u.Account).Distinct().Count());
        });
    }

    [Fact]
    public async Task Accept_UserBehindBarrier_LaterChangesFoldAndWaitWhileOtherUsersProceed()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        var first = Message("m1");
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        await held.WaitAsync(Wait, Ct);

        var second = Message("m2");
        var third = Message("m3");
        var other = Message("m4");
        coordinator.Accept(second, Add("e2", ["a"], "y"));
        coordinator.Accept(third, Remove("e3", ["a"], "x"));
        coordinator.Accept(other, Add("e4", ["b"], "z"));

        Assert.Equal("completed", await other.Settled.WaitAsync(Wait, Ct));
        Assert.Single(harness.Api.Calls, c => c.Users.Any(u => u.Account == "a"));
        Assert.False(second.Settled.IsCompleted);

        harness.Api.Release("a");
        await Task.WhenAll(first.Settled, second.Settled, third.Settled).WaitAsync(Wait, Ct);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        Assert.Equal(["y"], harness.Api.Snapshot()["a"]);
        var callsForA = harness.Api.Calls.Where(c => c.Users.Any(u => u.Account == "a")).Select(c => c.Command).ToArray();
        Assert.Equal([ImCommand.AddTag, ImCommand.RemoveTag, ImCommand.AddTag], callsForA);
    }

    [Fact]
    public async Task Settlement_MessagesSharingAUser_SettleInArrivalOrder()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var log = new SettlementLog();
        var heldB = harness.Api.Hold("b");
        var m0 = Message("m0", log);
        coordinator.Accept(m0, Add("e0", ["b"], "z"));
        await heldB.WaitAsync(Wait, Ct);

        var m1 = Message("m1", log);
        var m2 = Message("m2", log);
        coordinator.Accept(m1, Add("e1", ["a", "b"], "x"));
        coordinator.Accept(m2, Add("e2", ["a"], "y"));
        await harness.Api.WhenTagApplied("a", "y").WaitAsync(Wait, Ct);
        var later = Message("m3", log);
        coordinator.Accept(later, Add("e3", ["c"], "w"));
        await later.Settled.WaitAsync(Wait, Ct);

        // m2 is fully applied, but m1 (earlier, sharing user a) is not: m2 must wait for it.
        Assert.False(m2.Settled.IsCompleted);

        harness.Api.Release("b");
        await Task.WhenAll(m0.Settled, m1.Settled, m2.Settled).WaitAsync(Wait, Ct);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        var order = log.Order.ToList();
        Assert.True(order.IndexOf("m0") < order.IndexOf("m1"));
        Assert.True(order.IndexOf("m1") < order.IndexOf("m2"));
    }

    [Fact]
    public async Task Accept_UserRejectedByApi_DeadLettersOnlyMessagesCarryingThatUser()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (request, _) => request.Users.Any(u => u.Account == "bad") ? FakeImApi.Code(ImErrorCodes.TooManyTagsPerUser, "too many tags") : null;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var onlyBad = Message("m1");
        var onlyGood = Message("m2");
        var both = Message("m3");

        coordinator.Accept(onlyBad, Add("e1", ["bad"], "x"));
        coordinator.Accept(onlyGood, Add("e2", ["good"], "x"));
        coordinator.Accept(both, Add("e3", ["good", "bad"], "y"));
        await Task.WhenAll(onlyBad.Settled, onlyGood.Settled, both.Settled).WaitAsync(Wait, Ct);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        Assert.Equal("dead-lettered", await onlyBad.Settled);
        Assert.Equal(DeadLetterReasons.Rejected, onlyBad.DeadLetterReason);
        Assert.Contains("bad: Rejected 90032 (too many tags)", onlyBad.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Equal("completed", await onlyGood.Settled);
        Assert.Equal("dead-lettered", await both.Settled);
        Assert.StartsWith("1 of 2 users failed", both.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Equal(["x", "y"], harness.Api.Snapshot()["good"].Order());
    }

    [Fact]
    public async Task ConfigurationFault_DrainAbandon_AbandonsEveryMessageAndDeadLettersNone()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, _) => FakeImApi.Code(ImErrorCodes.AdministratorRequired, "not an admin");
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var messages = Enumerable.Range(0, 20).Select(i => Message($"m{i}")).ToArray();
        for (var i = 0; i < messages.Length; i++)
        {
            coordinator.Accept(messages[i], Add($"e{i}", [$"u{i % 5}"], "x"));
        }

        await harness.Circuit.WhenOpened.WaitAsync(Wait, Ct);
        coordinator.RequestDrain(DrainMode.Abandon);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        var outcomes = await Task.WhenAll(messages.Select(m => m.Settled));
        Assert.All(outcomes, o => Assert.Equal("abandoned", o));
    }

    [Fact]
    public async Task RequestDrain_Finish_SendsPendingChangesWithoutWaitingForTheBatchDelay()
    {
        await using var harness = new PipelineHarness(new() { ["Batching:MaxBatchDelay"] = "00:01:00" });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var message = Message("m1");
        coordinator.Accept(message, Add("e1", ["a"], "x"));

        coordinator.RequestDrain(DrainMode.Finish);

        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        Assert.Equal("completed", await message.Settled);
        Assert.Equal(["x"], harness.Api.Snapshot()["a"]);
    }

    [Fact]
    public async Task Abort_CallInFlight_AbandonsItsMessagesAndStops()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        var inFlight = Message("m1");
        coordinator.Accept(inFlight, Add("e1", ["a"], "x"));
        await held.WaitAsync(Wait, Ct);
        var behindBarrier = Message("m2");
        coordinator.Accept(behindBarrier, Add("e2", ["a"], "y"));

        coordinator.Abort();

        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);

        Assert.Equal("abandoned", await inFlight.Settled);
        Assert.Equal("abandoned", await behindBarrier.Settled);
    }
}
