using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Control;

public sealed class ControlEndpointTests
{
    [Fact]
    public async Task State_AfterAdds_HasTheDocumentedShapeWithSortedTags()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "b", "a");
        await sim.AddAsync("u2", "c");

        var json = await sim.Http.GetStringAsync("_sim/state", TestContext.Current.CancellationToken);

        var expected = JsonNode.Parse("""{"users":{"u1":["a","b"],"u2":["c"]}}""");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
    }

    [Fact]
    public async Task State_Empty_HasAnEmptyUsersObject()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var json = await sim.Http.GetStringAsync("_sim/state", TestContext.Current.CancellationToken);

        Assert.Equal("""{"users":{}}""", json);
    }

    [Fact]
    public async Task Stats_AfterCalls_CountsOutcomesUsersAndTags()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.CallAsync(ImCommandPaths.AddTag, SimulatorHarness.UserTagsBody(new UserTags("u1", ["a", "b"]), new UserTags("u2", ["c"])));
        await sim.AddAsync("u3", "d");
        await sim.CallAsync(ImCommandPaths.AddTag, "{");
        await sim.GetTagsAsync("u1", "u2");

        var stats = JsonNode.Parse(await sim.Http.GetStringAsync("_sim/stats", TestContext.Current.CancellationToken))!;

        var add = stats["endpoints"]![ImCommandPaths.AddTag]!;
        Assert.Equal(3, add["calls"]!.GetValue<long>());
        Assert.Equal(2, add["succeeded"]!.GetValue<long>());
        Assert.Equal(1, add["failed"]!.GetValue<long>());
        Assert.Equal(3, add["users"]!.GetValue<long>());
        Assert.Equal(4, add["tags"]!.GetValue<long>());
        Assert.Equal(2, stats["endpoints"]![ImCommandPaths.GetTag]!["users"]!.GetValue<long>());
        Assert.Equal(0, stats["endpoints"]![ImCommandPaths.RemoveTag]!["calls"]!.GetValue<long>());
        Assert.Equal(4, stats["totalCalls"]!.GetValue<long>());
        Assert.Equal(0, stats["frequencyViolations"]!.GetValue<long>());
    }

    [Fact]
    public async Task Reset_ClearsStateCountersAndRateWindows()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = 1 });
        await sim.AddAsync("u1", "a");
        Assert.Equal(ImErrorCodes.RestFrequencyExceeded, (await sim.AddAsync("u1", "b")).ErrorCode);

        using var reset = await sim.Http.PostAsync("_sim/reset", null, TestContext.Current.CancellationToken);
        var stateAfterReset = sim.Simulator.SnapshotState();
        var statsAfterReset = sim.Simulator.SnapshotStats();
        var addAfterReset = await sim.AddAsync("u2", "c");

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(stateAfterReset);
        Assert.Equal(0, statsAfterReset.TotalCalls);
        Assert.Equal(0, statsAfterReset.FrequencyViolations);
        Assert.Equal(ImErrorCodes.Success, addAfterReset.ErrorCode);
    }

    [Fact]
    public async Task Reset_InProcess_KeepsTheFaultsInForce()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = new FaultOptions { ForcedErrorCode = 90009 } });

        sim.Simulator.Reset();

        Assert.Equal(90009, (await sim.AddAsync("u1", "a")).ErrorCode);
    }

    [Fact]
    public async Task PutFaults_ValidBody_TakesEffectAndIsReadBack()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        using var put = await sim.Http.PutAsync(
            "_sim/faults",
            new StringContent("""{"forcedErrorCode":90009,"latency":"00:00:00","errorRate91000":0.5}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var readBack = JsonNode.Parse(await sim.Http.GetStringAsync("_sim/faults", TestContext.Current.CancellationToken))!;
        var response = await sim.AddAsync("u1", "a");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(90009, readBack["forcedErrorCode"]!.GetValue<int>());
        Assert.Equal(0.5, readBack["errorRate91000"]!.GetValue<double>());
        Assert.Equal(90009, response.ErrorCode);
        Assert.Equal(90009, sim.Simulator.Faults.ForcedErrorCode);
    }

    [Theory]
    [InlineData("""{"errorRate91000":2}""", "Simulator.Faults.ErrorRate91000")]
    [InlineData("""{"latency":"00:10:00"}""", "Simulator.Faults.Latency")]
    [InlineData("""{"forcedErrorCode":0}""", "Simulator.Faults.ForcedErrorCode")]
    [InlineData("""{"latency":5}""", "")]
    [InlineData("{", "")]
    public async Task PutFaults_InvalidBody_Answers400AndKeepsTheFaults(string body, string namedKey)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        using var put = await sim.Http.PutAsync("_sim/faults", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var errors = await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(namedKey, errors, StringComparison.Ordinal);
        Assert.Null(sim.Simulator.Faults.ForcedErrorCode);
        Assert.Equal(0, sim.Simulator.Faults.ErrorRate91000);
    }
}
