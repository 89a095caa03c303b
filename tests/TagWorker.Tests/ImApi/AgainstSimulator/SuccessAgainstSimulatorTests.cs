using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>Successful calls of the production client against the simulator, and what they do to its state.</summary>
public sealed class SuccessAgainstSimulatorTests
{
    public static readonly TheoryData<ImCommand> Commands = new(Enum.GetValues<ImCommand>());

    [Fact]
    public async Task SendAsync_ValidAdd_IsSuccessWithOkBodyAndHttp200()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();

        var result = await harness.AddAsync(new UserTags("u1", ["a", "b"]));

        Assert.Equal(new ImCallResult(ImOutcomeKind.Success, 0, "", 200, null), result);
        Assert.True(result.IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task SendAsync_EachCommand_ReachesItsOwnEndpointAndSucceeds(ImCommand command)
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var carriesTags = command == ImCommand.AddTag || command == ImCommand.RemoveTag;
        var users = carriesTags
            ? new[] { new UserTags("u1", ["a"]), new UserTags("u2", ["b"]) }
            : new[] { new UserTags("u1", []), new UserTags("u2", []) };

        var result = await harness.Client.SendAsync(new TagRequest(command, users), ClientAgainstSimulator.Ct);

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        var stats = harness.Simulator.SnapshotStats();
        foreach (var other in Enum.GetValues<ImCommand>())
        {
            var endpoint = stats.Endpoints[ImCommandPaths.ToSegment(other)];
            Assert.Equal(other == command ? new EndpointStats(1, 1, 0, 0, 0, 2, carriesTags ? 2 : 0, 1) : new EndpointStats(0, 0, 0, 0, 0, 0, 0, 0), endpoint);
        }
    }

    [Fact]
    public async Task GetTagsAsync_EmptyStore_ReturnsEachAccountWithNoTags()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();

        var result = await harness.GetTagsAsync("u1", "u2");

        Assert.Equal(ImOutcomeKind.Success, result.Outcome.Kind);
        Assert.Equal(["u1", "u2"], result.Users.Select(user => user.Account));
        Assert.All(result.Users, user => Assert.Empty(user.Tags));
        Assert.Equal(1, harness.StatsOf(ImCommand.GetTag).Succeeded);
    }

    [Fact]
    public async Task SendAsync_AddRemoveRemoveAll_GetTagsMatchesSimulatorState()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();

        Assert.True((await harness.AddAsync(new UserTags("u1", ["a", "b", "c"]), new UserTags("u2", ["x", "y"]), new UserTags("u3", ["k"]))).IsSuccess);
        Assert.True((await harness.AddAsync(new UserTags("u1", ["d"]))).IsSuccess);
        Assert.True((await harness.RemoveAsync(new UserTags("u1", ["b", "never-held"]), new UserTags("u2", ["x"]))).IsSuccess);
        Assert.True((await harness.RemoveAllAsync("u3", "nobody")).IsSuccess);
        var read = await harness.GetTagsAsync("u1", "u2", "u3", "nobody");

        Assert.True(read.IsSuccess);
        var state = harness.Simulator.SnapshotState();
        Assert.Equal(["u1", "u2"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["a", "c", "d"], state["u1"]);
        Assert.Equal(["y"], state["u2"]);
        Assert.Equal(["u1", "u2", "u3", "nobody"], read.Users.Select(user => user.Account));
        foreach (var user in read.Users)
        {
            Assert.Equal(state.TryGetValue(user.Account, out var held) ? held : [], user.Tags);
        }
    }

    [Fact]
    public async Task SendAsync_RemoveTagOfLastTag_UserLeavesSimulatorState()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        Assert.True((await harness.AddAsync(new UserTags("u1", ["a"]))).IsSuccess);

        var result = await harness.RemoveAsync(new UserTags("u1", ["a"]));

        Assert.True(result.IsSuccess);
        Assert.Empty(harness.Simulator.SnapshotState());
        Assert.Empty(Assert.Single((await harness.GetTagsAsync("u1")).Users).Tags);
    }

    [Fact]
    public async Task SendAsync_NonAsciiTagOfExactly50Utf8Bytes_IsStoredAndReadBackUnchanged()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var tag = string.Concat(Enumerable.Repeat("标", 16)) + "ab"; // 16 × 3 + 2 = 50 bytes.
        var account = "用户-ü-1";

        var result = await harness.AddAsync(new UserTags(account, [tag, "\"quoted\" & <escaped>"]));

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        Assert.Equal(["\"quoted\" & <escaped>", tag], harness.Simulator.SnapshotState()[account]);
        var read = Assert.Single((await harness.GetTagsAsync(account)).Users);
        Assert.Equal(account, read.Account);
        Assert.Equal(harness.Simulator.SnapshotState()[account], read.Tags);
    }

    [Fact]
    public async Task SendAsync_ExactlyOneHundredUsers_IsSuccess()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var users = Enumerable.Range(0, 100).Select(i => new UserTags("u" + i, ["t"])).ToArray();

        var result = await harness.AddAsync(users);

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        Assert.Equal(100, harness.Simulator.SnapshotState().Count);
    }
}
