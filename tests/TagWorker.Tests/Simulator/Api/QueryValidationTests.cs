using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Api;

public sealed class QueryValidationTests
{
    private const string Body = """{"UserTags":[{"To_Account":"u1","Tags":["a"]}]}""";

    [Fact]
    public async Task AddTag_ValidQuery_AnswersOkAndApplies()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(ImCommandPaths.AddTag, Body);

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(ImActionStatus.Ok, response.ActionStatus);
        Assert.Equal(["a"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task Call_MissingSdkAppId_Answers60012()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { SdkAppId = null }, 60012);
    }

    [Theory]
    [InlineData("1400000001")]
    [InlineData("abc")]
    [InlineData("-1400000000")]
    public async Task Call_UnknownOrMalformedSdkAppId_Answers60006(string sdkAppId)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { SdkAppId = sdkAppId }, ImErrorCodes.SdkAppIdInvalid);
    }

    [Fact]
    public async Task Call_MissingIdentifier_Answers60004()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { Identifier = null }, 60004);
    }

    [Fact]
    public async Task Call_MissingUserSig_Answers70002()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { UserSig = null }, ImErrorCodes.UserSigEmpty);
    }

    [Fact]
    public async Task Call_UndecodableUserSig_Answers70003()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { UserSig = "not-a-usersig" }, ImErrorCodes.UserSigCheckFailed);
    }

    [Fact]
    public async Task Call_UserSigOfAnotherIdentifier_Answers70013()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { UserSig = sim.UserSigFor("someone") }, ImErrorCodes.UserSigIdentifierMismatch);
    }

    [Fact]
    public async Task Call_UserSigOfAnotherSdkAppId_Answers70014()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var userSig = sim.UserSigFor(sim.Options.AdminIdentifier, sdkAppId: 1400000001);

        await AssertRefusedAsync(sim, sim.ValidQuery() with { UserSig = userSig }, ImErrorCodes.UserSigSdkAppIdMismatch);
    }

    [Fact]
    public async Task Call_UserSigSignedWithAnotherKey_Answers70009()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var userSig = sim.UserSigFor(sim.Options.AdminIdentifier, secretKey: "another-key");

        await AssertRefusedAsync(sim, sim.ValidQuery() with { UserSig = userSig }, ImErrorCodes.UserSigKeyMismatch);
    }

    [Fact]
    public async Task Call_UserSigPastItsExpiry_Answers70001()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        var query = sim.ValidQuery() with { UserSig = sim.UserSigFor(sim.Options.AdminIdentifier, lifetime: TimeSpan.FromMinutes(5)) };
        Assert.Equal(ImErrorCodes.Success, (await sim.CallAsync(ImCommandPaths.AddTag, Body, query)).ErrorCode);

        sim.Time.Advance(TimeSpan.FromMinutes(5));

        await AssertRefusedAsync(sim, query, ImErrorCodes.UserSigExpired, expectState: true);
    }

    [Fact]
    public async Task Call_NonAdministratorWithValidUserSig_Answers90009()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var query = sim.ValidQuery() with { Identifier = "someone", UserSig = sim.UserSigFor("someone") };

        await AssertRefusedAsync(sim, query, ImErrorCodes.AdministratorRequired);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("4294967296")]
    [InlineData("12.5")]
    [InlineData("abc")]
    public async Task Call_RandomNotUInt32_Answers60002(string? random)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { Random = random }, 60002);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4294967295")]
    public async Task Call_RandomAtUInt32Bounds_AnswersOk(string random)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(ImCommandPaths.AddTag, Body, sim.ValidQuery() with { Random = random });

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("xml")]
    [InlineData("JSON")]
    public async Task Call_ContentTypeNotJson_Answers60002(string? contentType)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await AssertRefusedAsync(sim, sim.ValidQuery() with { ContentType = contentType }, 60002);
    }

    [Fact]
    public async Task Call_UnknownCommand_Answers60009()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync("im_add_tags", Body);

        Assert.Equal(60009, response.ErrorCode);
        Assert.Equal(ImActionStatus.Fail, response.ActionStatus);
    }

    [Fact]
    public async Task Call_ConfiguredAdministratorAndApp_AreTheOnesAccepted()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { SdkAppId = 88888888, AdminIdentifier = "admin", SecretKey = "k" });

        var response = await sim.CallAsync(ImCommandPaths.AddTag, Body);
        var defaultApp = await sim.CallAsync(ImCommandPaths.AddTag, Body, sim.ValidQuery() with { SdkAppId = "1400000000" });

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(ImErrorCodes.SdkAppIdInvalid, defaultApp.ErrorCode);
    }

    private static async Task AssertRefusedAsync(SimulatorHarness sim, CallQuery query, int expectedCode, bool expectState = false)
    {
        var response = await sim.CallAsync(ImCommandPaths.AddTag, """{"UserTags":[{"To_Account":"u2","Tags":["b"]}]}""", query);

        Assert.Equal(expectedCode, response.ErrorCode);
        Assert.Equal(ImActionStatus.Fail, response.ActionStatus);
        Assert.NotEmpty(response.ErrorInfo);
        Assert.False(sim.Simulator.SnapshotState().ContainsKey("u2"));
        Assert.Equal(expectState, sim.Simulator.SnapshotState().ContainsKey("u1"));
    }
}
