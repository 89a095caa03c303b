using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Merging;
using TagWorker.Planning;

namespace TagWorker.Tests.Planning;

public class BatchPlannerTests
{
    private static readonly BatchPlanner DefaultPlanner = new(100, 10);

    [Fact]
    public void Plan_NoUsers_ReturnsNoRequests()
    {
        Assert.Empty(DefaultPlanner.Plan([]));
    }

    [Fact]
    public void Plan_OnlyEmptyChanges_ReturnsNoRequests()
    {
        // Events without tags leave a change empty.
        var tagless = Change(TagOperation.Add);
        tagless.Apply(TagOperation.Remove, []);
        var users = new Dictionary<string, UserTagChange> { ["u1"] = new UserTagChange(), ["u2"] = tagless };

        Assert.Empty(DefaultPlanner.Plan(users));
        Assert.Equal(0, BatchPlanner.MinimumRequestCount(users, 100, 10));
    }

    [Fact]
    public void Plan_UserWith25AddTags_SplitsIntoThreeRequestsOf10_10_5()
    {
        var users = new Dictionary<string, UserTagChange> { ["u1"] = Change(TagOperation.Add, Tags(25)) };

        var requests = DefaultPlanner.Plan(users);

        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(ImCommand.AddTag, r.Command));
        Assert.Equal([10, 10, 5], requests.Select(r => Assert.Single(r.Users).Tags.Count));
        Assert.Equal(Tags(25).Order(StringComparer.Ordinal), requests.SelectMany(r => r.Users[0].Tags).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_150OneChunkUsersAndOneThreeChunkUser_NeedsThreeAddRequests()
    {
        var users = new Dictionary<string, UserTagChange>();
        for (var i = 0; i < 150; i++)
        {
            users[$"u{i}"] = Change(TagOperation.Add, "a");
        }

        users["big"] = Change(TagOperation.Add, Tags(25));

        var requests = DefaultPlanner.Plan(users);

        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.InRange(r.Users.Count, 1, 100));
        Assert.All(requests, r => Assert.Single(r.Users, u => u.Account == "big"));
        Assert.Equal(153, requests.Sum(r => r.Users.Count));
        Assert.Equal(3, BatchPlanner.MinimumRequestCount(users, 100, 10));
    }

    [Fact]
    public void Plan_250Users_FillsThreeRequestsWithinUserLimit()
    {
        var users = Enumerable.Range(0, 250).ToDictionary(i => $"u{i}", _ => Change(TagOperation.Add, "a"));

        var requests = DefaultPlanner.Plan(users);

        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.InRange(r.Users.Count, 1, 100));
        Assert.Equal(users.Keys.Order(StringComparer.Ordinal), requests.SelectMany(r => r.Users).Select(u => u.Account).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_AllThreeKinds_OrdersRemoveAllThenRemoveThenAdd()
    {
        var mixed = Change(TagOperation.Remove, "x");
        mixed.Apply(TagOperation.Add, ["a"]);
        var reset = Change(TagOperation.RemoveAll);
        reset.Apply(TagOperation.Add, ["b"]);
        var users = new Dictionary<string, UserTagChange> { ["adder"] = Change(TagOperation.Add, "c"), ["mixed"] = mixed, ["reset"] = reset };

        var requests = DefaultPlanner.Plan(users);

        Assert.Equal([ImCommand.RemoveAllTags, ImCommand.RemoveTag, ImCommand.AddTag], requests.Select(r => r.Command));
        Assert.Equal(["reset"], requests[0].Users.Select(u => u.Account));
        Assert.Empty(requests[0].Users[0].Tags);
        Assert.Equal(["mixed"], requests[1].Users.Select(u => u.Account));
        Assert.Equal(["adder", "mixed", "reset"], requests[2].Users.Select(u => u.Account).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_SmallLimits_SplitsUsersAndTagsByThem()
    {
        var planner = new BatchPlanner(maxUsersPerRequest: 2, maxTagsPerUserPerRequest: 3);
        var users = new Dictionary<string, UserTagChange>
        {
            ["u1"] = Change(TagOperation.Add, Tags(7)),
            ["u2"] = Change(TagOperation.Add, "a"),
            ["u3"] = Change(TagOperation.Add, "a"),
        };

        var requests = planner.Plan(users);

        // 5 chunks (3 + 1 + 1) at 2 a request need 3 requests, and u1 alone needs 3.
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.InRange(r.Users.Count, 1, 2));
        Assert.All(requests.SelectMany(r => r.Users), u => Assert.InRange(u.Tags.Count, 1, 3));
        Assert.All(requests, r => Assert.Single(r.Users, u => u.Account == "u1"));
    }

    [Fact]
    public void Plan_OneUserPerRequest_SendsEachUserAlone()
    {
        var planner = new BatchPlanner(maxUsersPerRequest: 1, maxTagsPerUserPerRequest: 10);
        var users = Enumerable.Range(0, 5).ToDictionary(i => $"u{i}", _ => Change(TagOperation.RemoveAll));

        var requests = planner.Plan(users);

        Assert.Equal(5, requests.Count);
        Assert.All(requests, r => Assert.Equal(ImCommand.RemoveAllTags, r.Command));
        Assert.All(requests, r => Assert.Single(r.Users));
    }

    [Fact]
    public void Constructor_FromOptions_UsesTheirLimits()
    {
        var planner = new BatchPlanner(Options.Create(new BatchingOptions { MaxUsersPerRequest = 2, MaxTagsPerUserPerRequest = 4 }));
        var users = Enumerable.Range(0, 3).ToDictionary(i => $"u{i}", _ => Change(TagOperation.Add, Tags(5)));

        var requests = planner.Plan(users);

        // 6 chunks of ≤4 tags, 2 users a request.
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(2, r.Users.Count));
        Assert.All(requests.SelectMany(r => r.Users), u => Assert.InRange(u.Tags.Count, 1, 4));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(100, 0)]
    public void Constructor_LimitBelowOne_Throws(int maxUsers, int maxTags)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPlanner(maxUsers, maxTags));
    }

    [Theory]
    [InlineData(0, 0, 100, 0)]
    [InlineData(150, 1, 100, 2)]
    [InlineData(153, 3, 100, 3)]
    [InlineData(5, 5, 100, 5)]
    [InlineData(201, 1, 100, 3)]
    public void MinimumRequestCount_PerPhase_IsLargerOfUserBoundAndChunkBound(int chunks, int largest, int maxUsers, int expected)
    {
        Assert.Equal(expected, BatchPlanner.MinimumRequestCount(chunks, largest, maxUsers));
    }

    private static string[] Tags(int count) => [.. Enumerable.Range(0, count).Select(i => $"t{i}")];

    private static UserTagChange Change(TagOperation op, params string[] tags)
    {
        var change = new UserTagChange();
        change.Apply(op, tags);
        return change;
    }
}
