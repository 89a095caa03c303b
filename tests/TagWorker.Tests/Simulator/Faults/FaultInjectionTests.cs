using System.Net;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Faults;

public sealed class FaultInjectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ErrorRate91000_One_Answers91000AndChangesNothing()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { ErrorRate91000 = 1 }));

        var response = await sim.AddAsync("u1", "a");

        Assert.Equal(ImErrorCodes.InternalError, response.ErrorCode);
        Assert.Equal(ImActionStatus.Fail, response.ActionStatus);
        Assert.Empty(sim.Simulator.SnapshotState());
        Assert.Equal(1, sim.Simulator.SnapshotStats().InjectedFaults);
    }

    [Fact]
    public async Task Http502Rate_One_AnswersBadGatewayWithPlainBody()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { Http502Rate = 1 }));

        using var response = await sim.PostAsync(ImCommandPaths.AddTag, SimulatorHarness.UserTagsBody(new UserTags("u1", ["a"])));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("502 Bad Gateway", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task DropConnectionRate_One_AbortsTheConnectionWithoutAResponse()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { DropConnectionRate = 1 }));

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.PostAsync(ImCommandPaths.AddTag, SimulatorHarness.UserTagsBody(new UserTags("u1", ["a"]))));

        Assert.Empty(sim.Simulator.SnapshotState());
        Assert.True(sim.Simulator.SnapshotStats().Endpoints[ImCommandPaths.AddTag].InjectedFaults >= 1);
    }

    [Fact]
    public async Task ForcedErrorCode_SwappedOnAndOffAtRunTime_AnswersItOnlyWhileSet()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        sim.Simulator.Faults = new FaultOptions { ForcedErrorCode = ImErrorCodes.AdministratorRequired };
        var forced = await sim.AddAsync("u1", "a");
        sim.Simulator.Faults = new FaultOptions();
        var normal = await sim.AddAsync("u1", "b");

        Assert.Equal(ImErrorCodes.AdministratorRequired, forced.ErrorCode);
        Assert.Equal(ImErrorCodes.Success, normal.ErrorCode);
        Assert.Equal(["b"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task ForcedErrorCode_WinsOverEveryOtherFault()
    {
        await using var sim = await SimulatorHarness.StartAsync(
            With(new FaultOptions { ForcedErrorCode = 60010, ErrorRate91000 = 1, Http502Rate = 1, DropConnectionRate = 1 }));

        var response = await sim.AddAsync("u1", "a");

        Assert.Equal(60010, response.ErrorCode);
    }

    [Fact]
    public async Task Faults_ApplyOnlyAfterAuthentication()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { ForcedErrorCode = 90009, Http502Rate = 1 }));

        var response = await sim.CallAsync(ImCommandPaths.AddTag, "{}", sim.ValidQuery() with { UserSig = null });

        Assert.Equal(ImErrorCodes.UserSigEmpty, response.ErrorCode);
        Assert.Equal(0, sim.Simulator.SnapshotStats().InjectedFaults);
    }

    [Fact]
    public async Task Faults_ApplyBeforeTheBodyIsRead()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { ErrorRate91000 = 1 }));

        var response = await sim.CallAsync(ImCommandPaths.AddTag, "not json");

        Assert.Equal(ImErrorCodes.InternalError, response.ErrorCode);
    }

    [Fact]
    public async Task Latency_HoldsTheCallUntilTheClockAdvances()
    {
        var time = new TimerWatchingTimeProvider(SimulatorHarness.Start);
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { Latency = TimeSpan.FromSeconds(2) }), time);

        var call = sim.AddAsync("u1", "a");
        var due = await time.FirstTimerCreated.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var heldBeforeAdvance = !call.IsCompleted;
        var stateBeforeAdvance = sim.Simulator.SnapshotState().Count;
        time.Advance(due);
        var response = await call.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(2), due);
        Assert.True(heldBeforeAdvance);
        Assert.Equal(0, stateBeforeAdvance);
        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(["a"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task LatencyJitter_DelayStaysWithinLatencyPlusOrMinusJitter()
    {
        var time = new TimerWatchingTimeProvider(SimulatorHarness.Start);
        var faults = new FaultOptions { Latency = TimeSpan.FromSeconds(1), LatencyJitter = TimeSpan.FromMilliseconds(500), Seed = 7 };
        await using var sim = await SimulatorHarness.StartAsync(With(faults), time);

        var call = sim.AddAsync("u1", "a");
        var due = await time.FirstTimerCreated.WaitAsync(Patience, TestContext.Current.CancellationToken);
        time.Advance(due);
        await call.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.InRange(due, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task Seed_SameSeed_GivesTheSameFaultSequence()
    {
        var faults = new FaultOptions { ErrorRate91000 = 0.5, Seed = 42 };
        await using var first = await SimulatorHarness.StartAsync(With(faults));
        await using var second = await SimulatorHarness.StartAsync(With(faults));

        var firstCodes = await CallManyAsync(first, 20);
        var secondCodes = await CallManyAsync(second, 20);

        Assert.Equal(firstCodes, secondCodes);
        Assert.Contains(ImErrorCodes.Success, firstCodes);
        Assert.Contains(ImErrorCodes.InternalError, firstCodes);
    }

    [Fact]
    public async Task Faults_SetOutOfRange_ThrowsNamingTheKeyAndKeepsTheFaultsInForce()
    {
        await using var sim = await SimulatorHarness.StartAsync(With(new FaultOptions { Http502Rate = 0.25 }));

        var exception = Assert.Throws<ArgumentException>(() => sim.Simulator.Faults = new FaultOptions { Http502Rate = 1.5 });

        Assert.Contains("Simulator.Faults.Http502Rate", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0.25, sim.Simulator.Faults.Http502Rate);
    }

    private static SimulatorOptions With(FaultOptions faults) => new() { Faults = faults };

    private static async Task<int[]> CallManyAsync(SimulatorHarness sim, int count)
    {
        var codes = new int[count];
        for (var i = 0; i < count; i++)
        {
            codes[i] = (await sim.AddAsync("u1", "a")).ErrorCode;
        }

        return codes;
    }
}
