using System.Text;
using System.Text.RegularExpressions;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.ImSimulator.Hosting;

namespace TagWorker.Tests.Simulator.Hosting;

public sealed partial class StartupBannerTests
{
    [Fact]
    public async Task Write_ExampleCurl_IsAcceptedByTheSimulator()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        using var output = new StringWriter();

        StartupBanner.Write(output, sim.Simulator.BaseAddress, sim.Options, sim.Time);

        var curl = CurlAddTag().Match(output.ToString());
        Assert.True(curl.Success, output.ToString());
        using var response = await sim.Http.PostAsync(
            new Uri(curl.Groups["url"].Value),
            new StringContent(curl.Groups["body"].Value, Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["a", "b"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public void Write_WildcardAddress_PrintsALoopbackUrlAndNeverTheKey()
    {
        var options = new SimulatorOptions();
        using var output = new StringWriter();

        StartupBanner.Write(output, new Uri("http://[::]:5080"), options, TimeProvider.System);

        var text = output.ToString();
        Assert.Contains("curl -sS -X POST 'http://127.0.0.1:5080/v4/all_member_push/im_add_tag?", text, StringComparison.Ordinal);
        Assert.Contains("'http://127.0.0.1:5080/_sim/state'", text, StringComparison.Ordinal);
        Assert.DoesNotContain(options.SecretKey, text, StringComparison.Ordinal);
        var userSig = UserSig().Match(text).Groups["sig"].Value;
        Assert.True(UserSigVerifier.Verify(userSig, options.SdkAppId, options.AdminIdentifier, options.SecretKey, DateTimeOffset.UtcNow).IsValid);
    }

    [GeneratedRegex("curl -sS -X POST '(?<url>[^']+)' -H 'Content-Type: application/json' -d '(?<body>[^']+)'")]
    private static partial Regex CurlAddTag();

    [GeneratedRegex("usersig=(?<sig>[^&]+)&")]
    private static partial Regex UserSig();
}
