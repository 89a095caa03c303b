using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>The simulator's per-endpoint frequency limit (60007) comes back as <see cref="ImOutcomeKind.RateLimited"/>.</summary>
public sealed class RateLimitedAgainstSimulatorTests
{
    [Fact]
    public async Task SendAsync_ThirdCallWithinOneSecondAtTwoPerSecond_IsRateLimited60007()
    {
        // A fake, unmoving simulator clock keeps all three calls in one window however slow the machine is.
        var simulatorTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = ClientAgainstSimulator.DefaultSimulatorOptions();
        options.CallsPerSecond = 2;
        await using var harness = await ClientAgainstSimulator.StartAsync(options, simulatorTime);

        var first = await harness.AddAsync(new UserTags("u1", ["a"]));
        var second = await harness.AddAsync(new UserTags("u2", ["b"]));
        var third = await harness.AddAsync(new UserTags("u3", ["c"]));

        Assert.Equal(ImOutcomeKind.Success, first.Kind);
        Assert.Equal(ImOutcomeKind.Success, second.Kind);
        Assert.Equal(ImOutcomeKind.RateLimited, third.Kind);
        Assert.Equal(ImErrorCodes.RestFrequencyExceeded, third.ErrorCode);
        Assert.Equal(200, third.HttpStatus);
        Assert.Equal(1, harness.StatsOf(ImCommand.AddTag).Violations);
        Assert.False(harness.Simulator.SnapshotState().ContainsKey("u3"));
    }

    [Fact]
    public async Task SendAsync_LimitReachedOnOneEndpoint_OtherEndpointStillSucceeds()
    {
        var simulatorTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = ClientAgainstSimulator.DefaultSimulatorOptions();
        options.CallsPerSecond = 2;
        await using var harness = await ClientAgainstSimulator.StartAsync(options, simulatorTime);
        await harness.AddAsync(new UserTags("u1", ["a"]));
        await harness.AddAsync(new UserTags("u2", ["b"]));
        Assert.Equal(ImOutcomeKind.RateLimited, (await harness.AddAsync(new UserTags("u3", ["c"]))).Kind);

        var read = await harness.GetTagsAsync("u1");

        Assert.Equal(ImOutcomeKind.Success, read.Outcome.Kind);
    }

    [Fact]
    public async Task SendAsync_WindowPassed_SucceedsAgain()
    {
        var simulatorTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = ClientAgainstSimulator.DefaultSimulatorOptions();
        options.CallsPerSecond = 2;
        await using var harness = await ClientAgainstSimulator.StartAsync(options, simulatorTime);
        await harness.AddAsync(new UserTags("u1", ["a"]));
        await harness.AddAsync(new UserTags("u2", ["b"]));
        Assert.Equal(ImOutcomeKind.RateLimited, (await harness.AddAsync(new UserTags("u3", ["c"]))).Kind);

        simulatorTime.Advance(TimeSpan.FromSeconds(1));
        var result = await harness.AddAsync(new UserTags("u3", ["c"]));

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        Assert.Equal(["c"], harness.Simulator.SnapshotState()["u3"]);
    }
}
