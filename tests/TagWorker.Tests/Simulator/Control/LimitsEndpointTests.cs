using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Control;

public sealed class LimitsEndpointTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly string GetBody = SimulatorHarness.AccountsBody("u1");

    [Fact]
    public async Task GetLimits_AtStart_ListsEveryEndpointAtTheConfiguredRate()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 42 });

        var limits = JsonNode.Parse(await sim.Http.GetStringAsync("_sim/limits", Ct))!["endpoints"]!.AsObject();

        Assert.Equal(
            [ImCommandPaths.AddTag, ImCommandPaths.GetTag, ImCommandPaths.RemoveAllTags, ImCommandPaths.RemoveTag],
            limits.Select(limit => limit.Key).Order(StringComparer.Ordinal));
        Assert.All(limits, limit => Assert.Equal(42, limit.Value!.GetValue<int>()));
    }

    [Fact]
    public async Task PutLimits_AllEndpoints_RefusesBeyondTheNewLimitInTheSameWindowAndAdmitsAfterIt()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 100 });

        using var put = await PutAsync(sim, """{"callsPerSecond":2}""");
        var inWindow = await CallGetTagAsync(sim, 3);
        var add = await sim.AddAsync("u1", "a");
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var nextWindow = await CallGetTagAsync(sim, 3);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal([0, 0, ImErrorCodes.RestFrequencyExceeded], inWindow);
        Assert.Equal(ImErrorCodes.Success, add.ErrorCode);
        Assert.Equal([0, 0, ImErrorCodes.RestFrequencyExceeded], nextWindow);
        Assert.All(sim.Simulator.Limits.Endpoints.Values, limit => Assert.Equal(2, limit));
    }

    [Fact]
    public async Task PutLimits_OneEndpoint_ChangesOnlyThatOneAndAnswersTheLimitsInForce()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 3 });

        using var put = await PutAsync(sim, """{"endpoints":{"im_get_tag":1}}""");
        var answer = JsonNode.Parse(await put.Content.ReadAsStringAsync(Ct))!["endpoints"]!;
        var getTag = await CallGetTagAsync(sim, 2);
        var adds = new[] { await sim.AddAsync("u1", "a"), await sim.AddAsync("u1", "b"), await sim.AddAsync("u1", "c") };

        Assert.Equal(1, answer[ImCommandPaths.GetTag]!.GetValue<int>());
        Assert.Equal(3, answer[ImCommandPaths.AddTag]!.GetValue<int>());
        Assert.Equal([0, ImErrorCodes.RestFrequencyExceeded], getTag);
        Assert.All(adds, response => Assert.Equal(ImErrorCodes.Success, response.ErrorCode));
    }

    [Fact]
    public async Task PutLimits_LoweredBelowWhatTheWindowHolds_RefusesUntilTheWindowDrainsToIt()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 10 });
        await CallGetTagAsync(sim, 4);
        sim.Time.Advance(TimeSpan.FromMilliseconds(500));
        await CallGetTagAsync(sim, 4);

        sim.Simulator.ChangeLimits(new SimulatorLimitsChange(CallsPerSecond: 5));
        var whileEightInWindow = await CallGetTagAsync(sim, 1);
        sim.Time.Advance(TimeSpan.FromMilliseconds(500)); // the first four left the window: four remain
        var afterHalfDrained = await CallGetTagAsync(sim, 2);

        Assert.Equal([ImErrorCodes.RestFrequencyExceeded], whileEightInWindow);
        Assert.Equal([0, ImErrorCodes.RestFrequencyExceeded], afterHalfDrained);
    }

    [Fact]
    public async Task PutLimits_RaisedAgain_AdmitsUpToTheNewLimit()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 1 });
        sim.Simulator.ChangeLimits(new SimulatorLimitsChange(Endpoints: new Dictionary<string, int> { [ImCommandPaths.GetTag] = 3 }));

        var codes = await CallGetTagAsync(sim, 4);

        Assert.Equal([0, 0, 0, ImErrorCodes.RestFrequencyExceeded], codes);
    }

    [Fact]
    public async Task Reset_KeepsTheLimitsInForce()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        sim.Simulator.ChangeLimits(new SimulatorLimitsChange(CallsPerSecond: 7));

        using var reset = await sim.Http.PostAsync("_sim/reset", null, Ct);

        Assert.All(sim.Simulator.Limits.Endpoints.Values, limit => Assert.Equal(7, limit));
    }

    [Theory]
    [InlineData("""{"callsPerSecond":0}""", "callsPerSecond")]
    [InlineData("""{"callsPerSecond":100001}""", "callsPerSecond")]
    [InlineData("""{"endpoints":{"im_add_tags":60}}""", "endpoints.im_add_tags")]
    [InlineData("""{"endpoints":{"im_add_tag":-1}}""", "endpoints.im_add_tag")]
    [InlineData("""{}""", "callsPerSecond")]
    [InlineData("""{"callsPerSecond":"fast"}""", "")]
    [InlineData("null", "")]
    public async Task PutLimits_InvalidBody_Answers400NamingTheFieldAndChangesNothing(string body, string namedField)
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 50 });

        using var put = await PutAsync(sim, body);
        var errors = await put.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(namedField, errors, StringComparison.Ordinal);
        Assert.All(sim.Simulator.Limits.Endpoints.Values, limit => Assert.Equal(50, limit));
    }

    [Fact]
    public async Task ChangeLimits_InProcessInvalid_ThrowsAndChangesNothing()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 50 });

        var exception = Assert.Throws<ArgumentException>(() => sim.Simulator.ChangeLimits(new SimulatorLimitsChange(CallsPerSecond: 0)));

        Assert.Contains("callsPerSecond", exception.Message, StringComparison.Ordinal);
        Assert.All(sim.Simulator.Limits.Endpoints.Values, limit => Assert.Equal(50, limit));
    }

    private static Task<HttpResponseMessage> PutAsync(SimulatorHarness sim, string body) =>
        sim.Http.PutAsync("_sim/limits", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

    private static async Task<int[]> CallGetTagAsync(SimulatorHarness sim, int count)
    {
        var codes = new int[count];
        for (var i = 0; i < count; i++)
        {
            codes[i] = (await sim.CallAsync(ImCommandPaths.GetTag, GetBody)).ErrorCode;
        }

        return codes;
    }
}
