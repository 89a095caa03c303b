using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Faults;

public sealed class LostResponseTests
{
    [Fact]
    public async Task LostResponseRate_One_AppliesTheChangeThenDropsTheConnection()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { LostResponseRate = 1 }));

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.PostAsync(ImCommandPaths.AddTag, SimulatorHarness.UserTagsBody(new UserTags("u1", ["a", "b"]))));

        Assert.Equal(["a", "b"], sim.Simulator.SnapshotState()["u1"]);
        var stats = sim.Simulator.SnapshotStats().Endpoints[ImCommandPaths.AddTag];
        Assert.Equal((1L, 0L, 1L, 1L, 1L), (stats.Calls, stats.Succeeded, stats.Failed, stats.InjectedFaults, stats.LostResponses));
    }

    [Fact]
    public async Task LostResponseRate_One_RemoveAllIsAppliedToo()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a");
        sim.Simulator.Faults = new FaultOptions { LostResponseRate = 1 };

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.PostAsync(ImCommandPaths.RemoveAllTags, SimulatorHarness.AccountsBody("u1")));

        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task LostResponseRate_WithAnOutcomeFault_TheOutcomeFaultWinsAndNothingIsApplied()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { LostResponseRate = 1, ErrorRate91000 = 1 }));

        var response = await sim.AddAsync("u1", "a");

        Assert.Equal(ImErrorCodes.InternalError, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
        Assert.Equal(0, sim.Simulator.SnapshotStats().Endpoints[ImCommandPaths.AddTag].LostResponses);
    }

    [Fact]
    public async Task LostResponseRate_Zero_AnswersNormally()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { LostResponseRate = 0 }));

        var response = await sim.AddAsync("u1", "a");

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
    }

    [Fact]
    public async Task LostResponseRate_TurnedOn_LeavesTheOtherDrawsOfASeedUnchanged()
    {
        var without = new FaultOptions { ErrorRate91000 = 0.5, Seed = 42 };
        var with = new FaultOptions { ErrorRate91000 = 0.5, LostResponseRate = 0.3, Seed = 42 };
        await using var first = await SimulatorHarness.StartAsync(With(without));
        await using var second = await SimulatorHarness.StartAsync(With(with));

        var firstOutcomes = await OutcomesAsync(first, 30);
        var secondOutcomes = await OutcomesAsync(second, 30);

        // A call the 91000 draw failed fails the same way with lost responses on; only successes can turn into losses.
        Assert.Contains(-1, secondOutcomes);
        for (var i = 0; i < firstOutcomes.Length; i++)
        {
            Assert.True(
                firstOutcomes[i] == secondOutcomes[i] || (firstOutcomes[i] == ImErrorCodes.Success && secondOutcomes[i] == -1),
                $"call {i}: {firstOutcomes[i]} without lost responses, {secondOutcomes[i]} with");
        }
    }

    [Fact]
    public async Task LostResponseRate_OutOfRange_IsRefusedNamingTheKey()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var exception = Assert.Throws<ArgumentException>(() => sim.Simulator.Faults = new FaultOptions { LostResponseRate = 1.5 });

        Assert.Contains("Simulator.Faults.LostResponseRate", exception.Message, StringComparison.Ordinal);
    }

    private static SimulatorOptions With(FaultOptions faults) => new() { Faults = faults };

    /// <summary>Each call's ErrorCode, or -1 when the connection was dropped.</summary>
    private static async Task<int[]> OutcomesAsync(SimulatorHarness sim, int count)
    {
        var outcomes = new int[count];
        for (var i = 0; i < count; i++)
        {
            try
            {
                outcomes[i] = (await sim.AddAsync("u" + i, "a")).ErrorCode;
            }
            catch (HttpRequestException)
            {
                outcomes[i] = -1;
            }
        }

        return outcomes;
    }
}
