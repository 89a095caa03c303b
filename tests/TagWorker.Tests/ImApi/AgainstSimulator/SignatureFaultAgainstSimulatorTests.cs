using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>UserSig faults the simulator detects come back as <see cref="ImOutcomeKind.SignatureFault"/>.</summary>
public sealed class SignatureFaultAgainstSimulatorTests
{
    private const string WrongKey = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    private static readonly UserTags[] Users = [new UserTags("u1", ["a"])];

    // Short-lived signatures that are never renewed early, so expiry is exactly the lifetime.
    private static readonly Dictionary<string, string?> OneMinuteUserSig = new()
    {
        ["ImApi:UserSigLifetime"] = "00:01:00",
        ["ImApi:UserSigRenewBefore"] = "00:00:00",
    };

    [Fact]
    public async Task SendAsync_WrongSecretKey_IsSignatureFault70009()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync(
            clientSettings: new Dictionary<string, string?> { ["ImApi:SecretKey"] = WrongKey });

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.SignatureFault, result.Kind);
        Assert.Equal(ImErrorCodes.UserSigKeyMismatch, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task GetTagsAsync_WrongSecretKey_IsSignatureFaultWithNoUsers()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync(
            clientSettings: new Dictionary<string, string?> { ["ImApi:SecretKey"] = WrongKey });

        var result = await harness.GetTagsAsync("u1");

        Assert.Equal(ImOutcomeKind.SignatureFault, result.Outcome.Kind);
        Assert.Equal(ImErrorCodes.UserSigKeyMismatch, result.Outcome.ErrorCode);
        Assert.Empty(result.Users);
    }

    [Fact]
    public async Task SendAsync_UserSigExpiredOnSimulatorClock_IsSignatureFault70001()
    {
        var start = TimeProvider.System.GetUtcNow();
        var simulatorTime = new FakeTimeProvider(start);
        var clientTime = new FakeTimeProvider(start);
        await using var harness = await ClientAgainstSimulator.StartAsync(simulatorTime: simulatorTime, clientTime: clientTime, clientSettings: OneMinuteUserSig);
        Assert.Equal(ImOutcomeKind.Success, (await harness.AddAsync(Users)).Kind);

        // The client's clock stands still, so it keeps the cached UserSig that the simulator now sees as expired.
        simulatorTime.Advance(TimeSpan.FromSeconds(70));
        var result = await harness.AddAsync(new UserTags("u2", ["b"]));

        Assert.Equal(ImOutcomeKind.SignatureFault, result.Kind);
        Assert.Equal(ImErrorCodes.UserSigExpired, result.ErrorCode);
        Assert.False(harness.Simulator.SnapshotState().ContainsKey("u2"));
    }

    [Fact]
    public async Task SendAsync_ClientClockBehindSimulatorByMoreThanLifetime_IsSignatureFault70001()
    {
        var now = TimeProvider.System.GetUtcNow();
        var clientTime = new FakeTimeProvider(now - TimeSpan.FromMinutes(2));
        await using var harness = await ClientAgainstSimulator.StartAsync(
            simulatorTime: new FakeTimeProvider(now), clientTime: clientTime, clientSettings: OneMinuteUserSig);

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.SignatureFault, result.Kind);
        Assert.Equal(ImErrorCodes.UserSigExpired, result.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_AfterExpiredSignatureFault_NextCallCarriesFreshUserSigAndSucceeds()
    {
        var start = TimeProvider.System.GetUtcNow();
        var simulatorTime = new FakeTimeProvider(start);
        var clientTime = new FakeTimeProvider(start);
        await using var harness = await ClientAgainstSimulator.StartAsync(simulatorTime: simulatorTime, clientTime: clientTime, clientSettings: OneMinuteUserSig);
        Assert.Equal(ImOutcomeKind.Success, (await harness.AddAsync(Users)).Kind);
        simulatorTime.Advance(TimeSpan.FromSeconds(70));
        Assert.Equal(ImOutcomeKind.SignatureFault, (await harness.AddAsync(new UserTags("u2", ["b"]))).Kind);

        // At +30 s the cached UserSig is not yet due for renewal, so only the invalidation after the fault can explain
        // a new one; issued at +30 s it is valid until +90 s, past the simulator's +70 s.
        clientTime.Advance(TimeSpan.FromSeconds(30));
        var result = await harness.AddAsync(new UserTags("u2", ["b"]));

        Assert.Equal(ImOutcomeKind.Success, result.Kind);
        Assert.Equal(["b"], harness.Simulator.SnapshotState()["u2"]);
    }
}
