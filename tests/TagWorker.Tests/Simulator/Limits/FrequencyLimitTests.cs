using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Limits;

public sealed class FrequencyLimitTests
{
    private const int Limit = 3;
    private static readonly string GetBody = SimulatorHarness.AccountsBody("u1");

    [Fact]
    public async Task Endpoint_LimitCallsInOneInstant_PassAndTheNextAnswers60007()
    {
        await using var sim = await StartAsync();

        var codes = await CallGetTagAsync(sim, Limit + 1);

        Assert.Equal([0, 0, 0, ImErrorCodes.RestFrequencyExceeded], codes);
    }

    [Fact]
    public async Task Endpoint_WindowSlidesPastTheFirstCalls_AdmitsAgain()
    {
        await using var sim = await StartAsync();
        await CallGetTagAsync(sim, Limit);

        sim.Time.Advance(TimeSpan.FromMilliseconds(999));
        var stillInWindow = await CallGetTagAsync(sim, 1);
        sim.Time.Advance(TimeSpan.FromMilliseconds(1));
        var afterWindow = await CallGetTagAsync(sim, Limit + 1);

        Assert.Equal([ImErrorCodes.RestFrequencyExceeded], stillInWindow);
        Assert.Equal([0, 0, 0, ImErrorCodes.RestFrequencyExceeded], afterWindow);
    }

    [Fact]
    public async Task Endpoint_CallsSpreadAcrossASecondBoundary_AreCountedInOneSlidingWindow()
    {
        await using var sim = await StartAsync();
        sim.Time.Advance(TimeSpan.FromMilliseconds(900));
        await CallGetTagAsync(sim, 1);
        sim.Time.Advance(TimeSpan.FromMilliseconds(200)); // now 1.1 s: a fixed per-second counter would have reset

        var codes = await CallGetTagAsync(sim, Limit);

        Assert.Equal([0, 0, ImErrorCodes.RestFrequencyExceeded], codes);
    }

    [Fact]
    public async Task Endpoint_WindowSlides_FreesOnlyTheCallsThatLeftIt()
    {
        await using var sim = await StartAsync();
        await CallGetTagAsync(sim, 1);
        sim.Time.Advance(TimeSpan.FromMilliseconds(500));
        await CallGetTagAsync(sim, 2);
        sim.Time.Advance(TimeSpan.FromMilliseconds(500));

        var codes = await CallGetTagAsync(sim, 2);

        Assert.Equal([0, ImErrorCodes.RestFrequencyExceeded], codes);
    }

    [Fact]
    public async Task Endpoint_RefusedCalls_DoNotOccupyTheWindow()
    {
        await using var sim = await StartAsync();
        await CallGetTagAsync(sim, Limit + 5);

        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var codes = await CallGetTagAsync(sim, Limit);

        Assert.Equal([0, 0, 0], codes);
    }

    [Fact]
    public async Task Endpoints_AreLimitedIndependently()
    {
        await using var sim = await StartAsync();
        await CallGetTagAsync(sim, Limit + 1);

        var add = await sim.AddAsync("u1", "a");
        var removeAll = await sim.CallAsync(ImCommandPaths.RemoveAllTags, GetBody);

        Assert.Equal(ImErrorCodes.Success, add.ErrorCode);
        Assert.Equal(ImErrorCodes.Success, removeAll.ErrorCode);
    }

    [Fact]
    public async Task Endpoint_EveryCallCounts_WhateverItsOutcome()
    {
        await using var sim = await StartAsync();
        var badQuery = sim.ValidQuery() with { UserSig = null };
        for (var i = 0; i < Limit; i++)
        {
            await sim.CallAsync(ImCommandPaths.GetTag, GetBody, badQuery);
        }

        var codes = await CallGetTagAsync(sim, 1);

        Assert.Equal([ImErrorCodes.RestFrequencyExceeded], codes);
    }

    [Fact]
    public async Task Violations_AreCountedPerEndpointAndInTotal()
    {
        await using var sim = await StartAsync();
        await CallGetTagAsync(sim, Limit + 2);
        for (var i = 0; i < Limit + 1; i++)
        {
            await sim.AddAsync("u1", "a");
        }

        var stats = sim.Simulator.SnapshotStats();

        Assert.Equal(2, stats.Endpoints[ImCommandPaths.GetTag].Violations);
        Assert.Equal(1, stats.Endpoints[ImCommandPaths.AddTag].Violations);
        Assert.Equal(3, stats.FrequencyViolations);
        Assert.Equal(Limit + 2, stats.Endpoints[ImCommandPaths.GetTag].Calls);
        Assert.Equal(Limit, stats.Endpoints[ImCommandPaths.GetTag].Succeeded);
        Assert.Equal(Limit, stats.Endpoints[ImCommandPaths.GetTag].PeakCallsInWindow);
    }

    private static Task<SimulatorHarness> StartAsync() => SimulatorHarness.StartAsync(new SimulatorOptions { CallsPerSecond = Limit });

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
