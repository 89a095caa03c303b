using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>Requests the simulator refuses for their content come back as <see cref="ImOutcomeKind.Rejected"/>, applying nothing.</summary>
public sealed class RejectedAgainstSimulatorTests
{
    [Fact]
    public async Task SendAsync_TagOf51Utf8Bytes_IsRejected90020()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var tag = string.Concat(Enumerable.Repeat("标", 17)); // 17 × 3 = 51 bytes, but only 17 chars.

        var result = await harness.AddAsync(new UserTags("u1", ["ok"]), new UserTags("u2", [tag]));

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.Equal(ImErrorCodes.TagTooLong, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_ElevenTagsForOneUserInAnAdd_IsRejected90032()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var tags = Enumerable.Range(0, 11).Select(i => "t" + i).ToArray();

        var result = await harness.AddAsync(new UserTags("u1", tags));

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, result.ErrorCode);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_AddPushingUserPastOneHundredTags_IsRejected90032AndAppliesNothing()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        for (var batch = 0; batch < 10; batch++)
        {
            var tags = Enumerable.Range(batch * 10, 10).Select(i => "t" + i).ToArray();
            Assert.True((await harness.AddAsync(new UserTags("u1", tags))).IsSuccess);
        }

        var result = await harness.AddAsync(new UserTags("u2", ["x"]), new UserTags("u1", ["t100"]));

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, result.ErrorCode);
        var state = harness.Simulator.SnapshotState();
        Assert.Equal(100, state["u1"].Count);
        Assert.DoesNotContain("t100", state["u1"]);
        Assert.False(state.ContainsKey("u2"));
    }

    [Fact]
    public async Task SendAsync_AccountTwiceInOneRequest_IsRejected90001()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();

        var result = await harness.AddAsync(new UserTags("u1", ["a"]), new UserTags("u1", ["b"]));

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.Equal(ImErrorCodes.InvalidJson, result.ErrorCode);
        Assert.Empty(harness.Simulator.SnapshotState());
    }
}
