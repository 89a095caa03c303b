using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>Transient faults injected by the simulator come back as <see cref="ImOutcomeKind.Retryable"/> and change nothing.</summary>
public sealed class RetryableAgainstSimulatorTests
{
    private static readonly UserTags[] Users = [new UserTags("u1", ["a"])];

    [Fact]
    public async Task SendAsync_Injected91000_IsRetryableWithCodeAndHttp200()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { ErrorRate91000 = 1.0 };

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Equal(ImErrorCodes.InternalError, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.False(string.IsNullOrEmpty(result.ErrorInfo));
        Assert.Null(result.FaultDescription);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_InjectedHttp502_IsRetryableWithStatusAndNoCode()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { Http502Rate = 1.0 };

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(502, result.HttpStatus);
        Assert.NotNull(result.FaultDescription);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_DroppedConnection_IsRetryableWithoutHttpStatus()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { DropConnectionRate = 1.0 };

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Equal(0, result.ErrorCode);
        Assert.Null(result.HttpStatus);
        Assert.StartsWith("Connection failed", result.FaultDescription, StringComparison.Ordinal);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_DroppedConnectionOnReusedConnection_IsOneAttemptOnly()
    {
        // The first call leaves a pooled keep-alive connection behind, which the second call reuses.
        await using var harness = await ClientAgainstSimulator.StartAsync();
        Assert.True((await harness.AddAsync(Users)).IsSuccess);
        harness.Simulator.Faults = new FaultOptions { DropConnectionRate = 1.0 };

        var result = await harness.AddAsync(new UserTags("u2", ["b"]));

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Null(result.HttpStatus);
        var stats = harness.StatsOf(ImCommand.AddTag);
        Assert.Equal(1, stats.InjectedFaults);
        Assert.Equal(2, stats.Calls);
    }

    [Fact]
    public async Task GetTagsAsync_DroppedConnection_IsRetryableWithNoUsers()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { DropConnectionRate = 1.0 };

        var result = await harness.GetTagsAsync("u1");

        Assert.Equal(ImOutcomeKind.Retryable, result.Outcome.Kind);
        Assert.Empty(result.Users);
    }

    [Fact]
    public async Task SendAsync_LatencyBeyondTimeout_IsRetryableTimeout()
    {
        // The simulator's clock is fake and never advanced, so its 5 s latency never ends: only the client's 200 ms
        // timeout (system clock) can finish the call, whatever the machine's load.
        var simulatorTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = ClientAgainstSimulator.DefaultSimulatorOptions();
        options.Faults = new FaultOptions { Latency = TimeSpan.FromSeconds(5) };
        await using var harness = await ClientAgainstSimulator.StartAsync(
            options,
            simulatorTime,
            clientSettings: new Dictionary<string, string?> { ["ImApi:Timeout"] = "00:00:00.200" });

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Equal(0, result.ErrorCode);
        Assert.Null(result.HttpStatus);
        Assert.Contains("timeout", result.FaultDescription, StringComparison.Ordinal);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_FaultTurnedOff_NextCallSucceeds()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { DropConnectionRate = 1.0 };
        Assert.Equal(ImOutcomeKind.Retryable, (await harness.AddAsync(Users)).Kind);

        harness.Simulator.Faults = new FaultOptions();
        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        Assert.Equal(["a"], harness.Simulator.SnapshotState()["u1"]);
    }
}
