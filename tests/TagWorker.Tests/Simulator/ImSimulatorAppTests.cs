using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator;

public sealed class ImSimulatorAppTests
{
    [Fact]
    public async Task StartAsync_DefaultOptions_ListensOnLoopbackWithAFreePort()
    {
        await using var simulator = await ImSimulatorApp.StartAsync(new SimulatorOptions(), TestContext.Current.CancellationToken);

        Assert.Equal("127.0.0.1", simulator.BaseAddress.Host);
        Assert.NotEqual(0, simulator.BaseAddress.Port);
        Assert.EndsWith("/", simulator.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(1400000000, simulator.Options.SdkAppId);
        Assert.Equal("administrator", simulator.Options.AdminIdentifier);
        Assert.Equal(100, simulator.Options.CallsPerSecond);
    }

    [Theory]
    [InlineData(nameof(SimulatorOptions.CallsPerSecond), "Simulator.CallsPerSecond")]
    [InlineData(nameof(SimulatorOptions.AdminIdentifier), "Simulator.AdminIdentifier")]
    [InlineData(nameof(SimulatorOptions.Faults), "Simulator.Faults.LatencyJitter")]
    public async Task StartAsync_OptionOutOfRange_ThrowsNamingTheKey(string option, string key)
    {
        var options = option switch
        {
            nameof(SimulatorOptions.CallsPerSecond) => new SimulatorOptions { CallsPerSecond = 0 },
            nameof(SimulatorOptions.AdminIdentifier) => new SimulatorOptions { AdminIdentifier = "" },
            _ => new SimulatorOptions { Faults = new FaultOptions { LatencyJitter = TimeSpan.FromHours(1) } },
        };

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(
            () => ImSimulatorApp.StartAsync(options, TestContext.Current.CancellationToken));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OptionsChangedAfterStart_HaveNoEffect()
    {
        var options = new SimulatorOptions { CallsPerSecond = 7 };
        await using var simulator = await ImSimulatorApp.StartAsync(options, TestContext.Current.CancellationToken);

        options.CallsPerSecond = 1;
        options.Faults.ForcedErrorCode = 90009;
        simulator.Options.CallsPerSecond = 2;

        Assert.Equal(7, simulator.Options.CallsPerSecond);
        Assert.Null(simulator.Faults.ForcedErrorCode);
    }

    [Fact]
    public async Task Build_SimulatorSectionOnTheCommandLine_ConfiguresTheApp()
    {
        await using var app = ImSimulatorApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Simulator:AdminIdentifier=boss", "--Simulator:SdkAppId=88888888", "--Simulator:SecretKey=s3cret"]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var boss = await AddTagAsync(http, "boss", UserSigGenerator.Generate(88888888, "boss", "s3cret", DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var administrator = await AddTagAsync(
            http, "administrator", UserSigGenerator.Generate(88888888, "administrator", "s3cret", DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ImErrorCodes.Success, boss.ErrorCode);
        Assert.Equal(ImErrorCodes.AdministratorRequired, administrator.ErrorCode);
    }

    [Fact]
    public async Task Build_InvalidSimulatorSetting_FailsAtStartNamingTheKey()
    {
        await using var app = ImSimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Faults:ErrorRate91000=2"]);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Simulator.Faults.ErrorRate91000", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<ImResponse> AddTagAsync(HttpClient http, string identifier, string userSig)
    {
        var url = string.Create(
            CultureInfo.InvariantCulture,
            $"v4/all_member_push/im_add_tag?sdkappid=88888888&identifier={identifier}&usersig={userSig}&random=1&contenttype=json");
        using var response = await http.PostAsync(
            url,
            new StringContent("""{"UserTags":[{"To_Account":"u1","Tags":["a"]}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        return (await response.Content.ReadFromJsonAsync(ImApiJsonContext.Default.ImResponse, TestContext.Current.CancellationToken))!;
    }
}
