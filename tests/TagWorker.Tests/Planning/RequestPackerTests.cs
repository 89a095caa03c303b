using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Pipeline;
using TagWorker.Planning;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Planning;

/// <summary>
/// When the packer forms requests, on plain timestamps (ticks): a full request at once, the oldest user after the
/// batch delay, everything on drain or when the window is full; at most the endpoint's in-flight cap on the wire;
/// and, while a backlog is waiting, an open fold only once it has absorbed nothing for the backlog hold (or has been
/// open for the cap of four holds) — a fixed next step (a frozen fold's later step) never waits for it.
/// </summary>
public sealed class RequestPackerTests
{
    private const long Delay = 10;
    private const long Hold = 1_000;
    private static readonly BatchPlanner Planner = new(100, 1);

    [Fact]
    public void PackDue_FewUsers_WaitsForTheBatchDelayAndSaysWhen()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 3, maxInFlightPerEndpoint: 4, Delay, Hold);
        packer.Update(User.WithAdd("a", at: 100));

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        var next = packer.PackDue(105, default, Recorder(sent));

        Assert.Empty(sent);
        Assert.Equal(110, next);
        packer.PackDue(110, default, Recorder(sent));
        Assert.Equal([(ImCommand.AddTag, "a", "delay")], sent);
    }

    [Fact]
    public void PackDue_AFullRequestsWorth_SendsAtOnceAndLeavesTheRest()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 2, maxInFlightPerEndpoint: 1, Delay, Hold);
        foreach (var user in new[] { "a", "b", "c" })
        {
            packer.Update(User.WithAdd(user, at: 100));
        }

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        packer.PackDue(100, default, Recorder(sent));

        // One full request; the in-flight cap of one keeps the third user folding until it resolves.
        Assert.Equal([(ImCommand.AddTag, "a,b", "full")], sent);
        Assert.Equal(1, packer.InFlight);
        packer.PackDue(200, default, Recorder(sent));
        Assert.Single(sent);
        packer.Resolved(ImCommand.AddTag);
        packer.PackDue(200, default, Recorder(sent));
        Assert.Equal((ImCommand.AddTag, "c", "delay"), sent[^1]);
    }

    [Fact]
    public void PackDue_BacklogWaiting_OpenFoldWaitsForTheHoldButAFixedStepDoesNot()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 4, Delay, Hold);
        var open = User.WithAdd("open", at: 100);
        var frozen = User.WithAdd("frozen", at: 100, tags: ["x", "y"]);
        // "frozen" has sent its first chunk (one tag a request here): its next step is fixed.
        Assert.NotNull(frozen.Progress.TakeStep(Planner));
        Assert.Null(frozen.Progress.StepApplied());
        packer.Update(open);
        packer.Update(frozen);
        var holding = new PackingConditions(Draining: false, HoldOpenFolds: true);

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        var next = packer.PackDue(500, holding, Recorder(sent));

        Assert.Equal([(ImCommand.AddTag, "frozen", "delay")], sent);
        Assert.Equal(100 + Hold, next);
        packer.PackDue(100 + Hold + Delay, holding, Recorder(sent));
        Assert.Equal((ImCommand.AddTag, "open", "delay"), sent[^1]);
    }

    [Fact]
    public void PackDue_Draining_SendsEveryoneAtOnce()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 4, Delay, Hold);
        packer.Update(User.WithAdd("a", at: 100));
        packer.Update(User.WithAdd("b", at: 100));

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        packer.PackDue(100, new PackingConditions(Draining: true, HoldOpenFolds: true), Recorder(sent));

        Assert.Equal([(ImCommand.AddTag, "a,b", "drain")], sent);
    }

    [Fact]
    public void PackDue_BacklogWaiting_TheHoldCountsFromTheFoldsLatestChange()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 4, Delay, Hold);
        var user = User.WithAdd("a", at: 100);
        packer.Update(user);
        user.Fold(TagOperation.Add, "u", at: 900);
        packer.Touched(user);
        var holding = new PackingConditions(Draining: false, HoldOpenFolds: true);

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        // Past the hold from the fold's first change, but the fold absorbed a change since.
        var next = packer.PackDue(100 + Hold + Delay, holding, Recorder(sent));

        Assert.Empty(sent);
        Assert.Equal(900 + Hold, next);
        packer.PackDue(900 + Hold + Delay, holding, Recorder(sent));
        Assert.Equal([(ImCommand.AddTag, "a", "delay")], sent);
    }

    [Fact]
    public void PackDue_BacklogWaiting_AFoldThatKeepsChangingGoesAtTheCap()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 4, Delay, Hold);
        var hot = User.WithAdd("hot", at: 100);
        packer.Update(hot);
        var holding = new PackingConditions(Draining: false, HoldOpenFolds: true);
        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        var cap = 100 + (RequestPacker<User>.BacklogHoldCapFactor * Hold);
        for (var at = 100 + (Hold / 2); at < cap; at += Hold / 2)
        {
            hot.Fold(TagOperation.Add, $"t{at}", at);
            packer.Touched(hot);
            packer.PackDue(at, holding, Recorder(sent));
        }

        Assert.Empty(sent);
        packer.PackDue(cap + Delay, holding, Recorder(sent));
        Assert.Equal([(ImCommand.AddTag, "hot", "delay")], sent);
    }

    [Fact]
    public void Touched_ChangeMovesTheNextStepToAnotherEndpoint_TheUserMovesLists()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 4, Delay, Hold);
        var user = User.WithAdd("a", at: 100);
        packer.Update(user);
        user.Fold(TagOperation.Remove, "t", at: 200);
        packer.Touched(user);

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        packer.PackDue(200, new PackingConditions(Draining: true, HoldOpenFolds: false), Recorder(sent));

        // The add then remove of the same tag folds into a remove: the user is on the remove endpoint only.
        Assert.Equal([(ImCommand.RemoveTag, "a", "drain")], sent);
        Assert.Equal(1, packer.InFlight);
    }

    [Fact]
    public void PackDue_WindowFull_FormsPartialRequestsAtOnceTheLongestIdleFirst()
    {
        var packer = new RequestPacker<User>(maxUsersPerRequest: 1, maxInFlightPerEndpoint: 1, Delay, Hold);
        var a = User.WithAdd("a", at: 100);
        var b = User.WithAdd("b", at: 300);
        packer.Update(a);
        packer.Update(b);
        a.Fold(TagOperation.Add, "u", at: 500);
        packer.Touched(a);

        var sent = new List<(ImCommand Command, string Accounts, string Trigger)>();
        packer.PackDue(500, new PackingConditions(Draining: false, HoldOpenFolds: true, WindowFull: true), Recorder(sent));

        // b has been idle longer than a, which just changed; one a request (maxUsersPerRequest 1: "full").
        Assert.Equal([(ImCommand.AddTag, "b", "full")], sent);
        var packer2 = new RequestPacker<User>(maxUsersPerRequest: 10, maxInFlightPerEndpoint: 1, Delay, Hold);
        var c = User.WithAdd("c", at: 500);
        packer2.Update(c);
        packer2.PackDue(500, new PackingConditions(Draining: false, HoldOpenFolds: false, WindowFull: true), Recorder(sent));
        Assert.Equal((ImCommand.AddTag, "c", "window_full"), sent[^1]);
    }

    private static Action<ImCommand, List<User>, string> Recorder(List<(ImCommand Command, string Accounts, string Trigger)> sent) => (command, users, trigger) =>
    {
        sent.Add((command, string.Join(',', users.Select(u => u.Progress.Account)), trigger));
        foreach (var user in users)
        {
            // As the coordinator does: the user's step goes on the wire.
            user.Progress.TakeStep(Planner);
        }
    };

    /// <summary>A packable user with a real <see cref="UserProgress"/>.</summary>
    private sealed class User(string account) : IPackable<User>
    {
        public UserProgress Progress { get; } = new(account);

        public ImCommand? ReadyFor { get; set; }

        public LinkedListNode<User>? ReadyNode { get; set; }

        public LinkedListNode<User>? TouchedNode { get; set; }

        public static User WithAdd(string account, long at, string[]? tags = null)
        {
            var user = new User(account);
            var tagEvent = new TagChangeEvent(1, $"e-{account}", DateTimeOffset.UnixEpoch, TagOperation.Add, [account], tags ?? ["t"]);
            user.Progress.Fold(new TrackedMessage(new RecordingSourceMessage($"m-{account}", []), tagEvent, at, 0), tagEvent, at);
            return user;
        }

        public void Fold(TagOperation op, string tag, long at)
        {
            var tagEvent = new TagChangeEvent(1, $"e-{Progress.Account}-{at}", DateTimeOffset.UnixEpoch, op, [Progress.Account], [tag]);
            Progress.Fold(new TrackedMessage(new RecordingSourceMessage($"m-{Progress.Account}-{at}", []), tagEvent, at, 0), tagEvent, at);
        }
    }
}
