using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Pipeline;
using TagWorker.Planning;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Planning;

/// <summary>
/// When the packer forms requests, on plain timestamps (ticks): a full request at once, the oldest user after the
/// batch delay, everything on drain; at most the endpoint's in-flight cap on the wire; and, while a backlog is
/// waiting, an open fold only once it is older than the backlog hold — a fixed next step (a frozen fold's later step)
/// never waits for it.
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

        public static User WithAdd(string account, long at, string[]? tags = null)
        {
            var user = new User(account);
            var tagEvent = new TagChangeEvent(1, $"e-{account}", DateTimeOffset.UnixEpoch, TagOperation.Add, [account], tags ?? ["t"]);
            user.Progress.Fold(new TrackedMessage(new RecordingSourceMessage($"m-{account}", []), tagEvent, at, 0), tagEvent, at);
            return user;
        }
    }
}
