using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.State;

public sealed class TagStateTests
{
    [Fact]
    public async Task GetTag_AfterAdds_ReturnsEachAccountInRequestOrderWithSortedTags()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "b", "a");
        await sim.AddAsync("u2", "z");

        var response = await sim.GetTagsAsync("u2", "nobody", "u1");

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(["u2", "nobody", "u1"], response.UserTags.Select(user => user.Account));
        Assert.Equal(["z"], response.UserTags[0].Tags);
        Assert.Empty(response.UserTags[1].Tags);
        Assert.Equal(["a", "b"], response.UserTags[2].Tags);
    }

    [Fact]
    public async Task AddTag_Repeated_KeepsOneCopyOfEachTag()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await sim.AddAsync("u1", "a", "b");
        await sim.AddAsync("u1", "b", "c", "c");

        Assert.Equal(["a", "b", "c"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task AddTag_TagsDifferingInCase_AreDistinct()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await sim.AddAsync("u1", "vip", "VIP");

        Assert.Equal(["VIP", "vip"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task RemoveTag_RemovesOnlyTheNamedTagsAndIgnoresOthers()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a", "b", "c");

        var response = await sim.CallAsync(
            ImCommandPaths.RemoveTag,
            SimulatorHarness.UserTagsBody(new UserTags("u1", ["b", "not-held"]), new UserTags("nobody", ["a"])));

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(["a", "c"], sim.Simulator.SnapshotState()["u1"]);
        Assert.False(sim.Simulator.SnapshotState().ContainsKey("nobody"));
    }

    [Fact]
    public async Task RemoveTag_LastTag_DropsTheUserFromState()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a");

        await sim.CallAsync(ImCommandPaths.RemoveTag, SimulatorHarness.UserTagsBody(new UserTags("u1", ["a"])));

        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task RemoveAllTags_ClearsOnlyTheNamedUsers()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a", "b");
        await sim.AddAsync("u2", "c");

        var response = await sim.CallAsync(ImCommandPaths.RemoveAllTags, SimulatorHarness.AccountsBody("u1", "nobody"));

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(["u2"], sim.Simulator.SnapshotState().Keys);
        Assert.Empty((await sim.GetTagsAsync("u1")).UserTags[0].Tags);
    }

    [Fact]
    public async Task RemoveAllTags_ThenAdd_StartsFromEmpty()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a", "b");

        await sim.CallAsync(ImCommandPaths.RemoveAllTags, SimulatorHarness.AccountsBody("u1"));
        await sim.AddAsync("u1", "c");

        Assert.Equal(["c"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task AddTag_ConcurrentCallsForTheSameUser_AllLand()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 1000 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => sim.AddAsync("u1", $"t{i}", "shared")));

        Assert.All(responses, response => Assert.Equal(ImErrorCodes.Success, response.ErrorCode));
        Assert.Equal(41, sim.Simulator.SnapshotState()["u1"].Count);
    }
}
