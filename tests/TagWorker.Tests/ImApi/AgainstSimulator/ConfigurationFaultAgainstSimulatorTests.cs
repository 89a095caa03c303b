using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>A misconfigured app comes back as <see cref="ImOutcomeKind.ConfigurationFault"/>.</summary>
public sealed class ConfigurationFaultAgainstSimulatorTests
{
    private static readonly UserTags[] Users = [new UserTags("u1", ["a"])];

    [Fact]
    public async Task SendAsync_IdentifierNotTheAdministrator_IsConfigurationFault90009()
    {
        // The UserSig is valid for that identifier (same app and key), so only the administrator check can refuse it.
        await using var harness = await ClientAgainstSimulator.StartAsync(
            clientSettings: new Dictionary<string, string?> { ["ImApi:AdminIdentifier"] = "not-the-admin" });

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.ConfigurationFault, result.Kind);
        Assert.Equal(ImErrorCodes.AdministratorRequired, result.ErrorCode);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task SendAsync_SdkAppIdNotTheSimulators_IsConfigurationFault60006()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync(
            clientSettings: new Dictionary<string, string?> { ["ImApi:SdkAppId"] = "1400099999" });

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.ConfigurationFault, result.Kind);
        Assert.Equal(ImErrorCodes.SdkAppIdInvalid, result.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_ForcedError60010_IsConfigurationFault()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { ForcedErrorCode = ImErrorCodes.NotAppAdministrator };

        var result = await harness.AddAsync(Users);

        Assert.Equal(ImOutcomeKind.ConfigurationFault, result.Kind);
        Assert.Equal(ImErrorCodes.NotAppAdministrator, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task GetTagsAsync_ForcedError60010_IsConfigurationFaultWithNoUsers()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        Assert.True((await harness.AddAsync(Users)).IsSuccess);
        harness.Simulator.Faults = new FaultOptions { ForcedErrorCode = ImErrorCodes.NotAppAdministrator };

        var result = await harness.GetTagsAsync("u1");

        Assert.Equal(ImOutcomeKind.ConfigurationFault, result.Outcome.Kind);
        Assert.Empty(result.Users);
    }
}
