using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Tests.TestDoubles;
using static TagWorker.Tests.Pipeline.PipelineEvents;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// Issue 9's rule for refusals: a rejection inside a merged fold fails only the message that fails when the events
/// are applied one by one, and the final state is the one-by-one state. The API here refuses chosen (user, tag) adds
/// and enforces the 100-tag cap, as the vendor's does. Several tests hold the user's first call on the wire so that
/// the later messages are sure to fold together behind it (the barrier).
/// </summary>
public sealed class PipelineRejectionTests
{
    private const int Cap = 100;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>
    /// Issue 9's cap scenario: ten adds of 10 new tags (100, the cap), then a segment add of one more tag. Only the
    /// last message is dead-lettered, and only for the capped user; its other users get the tag.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CapScenario_TenAddsOfTenThenASegmentAdd_DeadLettersOnlyTheLastMessageForThatUser(bool foldBehindFirst)
    {
        await using var harness = new PipelineHarness();
        harness.Api.MaxTagsPerUser = Cap;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var messages = Enumerable.Range(0, 11).Select(i => new RecordingSourceMessage($"m{i}", [])).ToArray();
        var held = foldBehindFirst ? harness.Api.Hold("a") : Task.CompletedTask;
        for (var i = 0; i < 10; i++)
        {
            coordinator.Accept(messages[i], Add($"e{i}", ["a"], Tags($"k{i}-", 10)));
            if (i == 0)
            {
                await held.WaitAsync(Wait, Ct);
            }
        }

        coordinator.Accept(messages[10], Add("e10", ["a", "b", "c"], "one-more"));
        harness.Api.Release("a");

        var outcomes = await Task.WhenAll(messages.Select(m => m.Settled)).WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
        Assert.All(outcomes[..10], o => Assert.Equal("completed", o));
        Assert.Equal("dead-lettered", outcomes[10]);
        var last = messages[10];
        Assert.Equal(DeadLetterReasons.Rejected, last.DeadLetterReason);
        var failed = Assert.Single(last.FailedUsers!);
        Assert.Equal(("a", ImErrorCodes.TooManyTagsPerUser, DeadLetterReasons.Rejected), (failed.User, failed.Code, failed.Reason));
        Assert.StartsWith("1 of 3 users failed: a: Rejected 90032", last.DeadLetterDescription, StringComparison.Ordinal);
        var state = harness.Api.Snapshot();
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => Tags($"k{i}-", 10)).Order(StringComparer.Ordinal), state["a"].Order(StringComparer.Ordinal));
        Assert.Equal(["one-more"], state["b"]);
        Assert.Equal(["one-more"], state["c"]);
    }

    [Fact]
    public async Task RefusedTag_InAFoldOfSeveralMessages_DeadLettersOnlyTheMessageCarryingIt()
    {
        await using var harness = new PipelineHarness();
        harness.Api.RefuseTag("a", "bad");
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m0", []);
        coordinator.Accept(first, Add("e0", ["a"], "p"));
        await held.WaitAsync(Wait, Ct);
        using var before = new RecordingSourceMessage("m1", []);
        using var refused = new RecordingSourceMessage("m2", []);
        using var after = new RecordingSourceMessage("m3", []);
        coordinator.Accept(before, Add("e1", ["a"], "q"));
        coordinator.Accept(refused, Add("e2", ["a", "b"], "r", "bad"));
        coordinator.Accept(after, Remove("e3", ["a"], "p"));

        harness.Api.Release("a");

        var outcomes = await Task.WhenAll(first.Settled, before.Settled, refused.Settled, after.Settled).WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
        Assert.Equal(["completed", "completed", "dead-lettered", "completed"], outcomes);
        Assert.Equal("a", Assert.Single(refused.FailedUsers!).User);
        Assert.Equal(["q"], harness.Api.Snapshot()["a"]);
        Assert.Equal(["bad", "r"], harness.Api.Snapshot()["b"].Order(StringComparer.Ordinal));
    }




    /// <summary>
    /// Where folding legitimately differs from one by one under the cap: the user holds 99 tags, adds a (100), adds b
    /// (101: one by one, refused) and removes a. The fold's net change — remove a, add b — fits, so the API accepts
    /// it and nothing is refused: a breach that the user's own later changes undo is hidden by the fold. The
    /// pipeline property's generator therefore never removes tags from a user after one of its adds was refused.
    /// </summary>
    [Fact]
    public async Task Cap_TransientBreachUndoneLaterInTheFold_IsAcceptedAsTheFoldsNetChange()
    {
        await using var harness = new PipelineHarness();
        harness.Api.MaxTagsPerUser = Cap;
        var start = Tags("h", 99);
        harness.Api.Seed("a", start);
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m0", []);
        coordinator.Accept(first, Add("e0", ["a"], start[0]));
        await held.WaitAsync(Wait, Ct);
        using var addA = new RecordingSourceMessage("m1", []);
        using var addB = new RecordingSourceMessage("m2", []);
        using var removeA = new RecordingSourceMessage("m3", []);
        coordinator.Accept(addA, Add("e1", ["a"], "a"));
        coordinator.Accept(addB, Add("e2", ["a"], "b"));
        coordinator.Accept(removeA, Remove("e3", ["a"], "a"));

        harness.Api.Release("a");

        var outcomes = await Task.WhenAll(addA.Settled, addB.Settled, removeA.Settled).WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
        Assert.Equal(["completed", "completed", "completed"], outcomes);
        Assert.Contains("b", harness.Api.Snapshot()["a"]);
    }


    private static async Task DrainAsync(PipelineCoordinator coordinator, Task loop)
    {
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);
    }
}
