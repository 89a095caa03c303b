using TagWorker.Pipeline;
using TagWorker.Tests.TestDoubles;
using static TagWorker.Tests.Pipeline.PipelineEvents;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// The held-message window (Pipeline:MaxHeldMessages, Pipeline:MaxHeldBytes) pushes back on intake, and while the
/// source reports a backlog an open fold waits to absorb more of it until it has been idle for
/// Batching:MaxBacklogHold — unless the window is full, when nothing more can arrive and a partial request goes at once.
/// </summary>
public sealed class PipelineWindowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcceptAsync_WindowFullOfMessages_WaitsUntilOneIsSettled()
    {
        await using var harness = new PipelineHarness(new() { ["Pipeline:MaxHeldMessages"] = "2" });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m1", []);
        using var second = new RecordingSourceMessage("m2", []);
        using var third = new RecordingSourceMessage("m3", []);
        await coordinator.AcceptAsync(first, Add("e1", ["a"], "x"), default, Ct);
        await held.WaitAsync(Wait, Ct);
        await coordinator.AcceptAsync(second, Add("e2", ["a"], "y"), default, Ct);

        var waiting = coordinator.AcceptAsync(third, Add("e3", ["b"], "z"), default, Ct).AsTask();

        // Nothing can settle while a's call is held, so the third message cannot have got in.
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, coordinator.HeldMessages);
        harness.Api.Release("a");
        await waiting.WaitAsync(Wait, Ct);
        Assert.Equal(["completed", "completed", "completed"], await Task.WhenAll(first.Settled, second.Settled, third.Settled).WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(0, coordinator.HeldMessages);
    }

    [Fact]
    public async Task AcceptAsync_WindowFullOfBytes_WaitsButTakesAnOversizedMessageAlone()
    {
        await using var harness = new PipelineHarness(new() { ["Pipeline:MaxHeldBytes"] = "1048576" });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var huge = new RecordingSourceMessage("m1", new byte[1_500_000]);
        using var next = new RecordingSourceMessage("m2", new byte[10]);

        // Larger than the whole bound, but the window is empty: it goes in, or it could never be taken.
        await coordinator.AcceptAsync(huge, Add("e1", ["a"], "x"), default, Ct).AsTask().WaitAsync(Wait, Ct);
        await held.WaitAsync(Wait, Ct);
        var waiting = coordinator.AcceptAsync(next, Add("e2", ["b"], "y"), default, Ct).AsTask();

        Assert.False(waiting.IsCompleted);
        harness.Api.Release("a");
        await waiting.WaitAsync(Wait, Ct);
        await Task.WhenAll(huge.Settled, next.Settled).WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
    }

    [Fact]
    public async Task AcceptAsync_CancelledWhileWaitingForRoom_Throws()
    {
        await using var harness = new PipelineHarness(new() { ["Pipeline:MaxHeldMessages"] = "1" });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m1", []);
        using var second = new RecordingSourceMessage("m2", []);
        await coordinator.AcceptAsync(first, Add("e1", ["a"], "x"), default, Ct);
        await held.WaitAsync(Wait, Ct);
        using var stop = new CancellationTokenSource();

        var waiting = coordinator.AcceptAsync(second, Add("e2", ["b"], "y"), default, stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait, Ct));
        Assert.Equal(1, coordinator.HeldMessages);
        harness.Api.Release("a");
        await first.Settled.WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
        Assert.False(second.Settled.IsCompleted);
    }

    [Fact]
    public async Task BacklogWaiting_OpenFoldWaitsForTheBacklogHoldAndAbsorbsLaterChanges()
    {
        var clock = new TimerWatchingClock(At);
        await using var harness = new PipelineHarness(new() { ["Batching:MaxBacklogHold"] = "00:00:05" }, clock);
        var source = new BacklogSource { BacklogWaiting = true };
        await using var coordinator = harness.CreateCoordinator(source);
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Api.OnCall = _ => called.TrySetResult();
        var loop = coordinator.RunAsync();
        using var first = new RecordingSourceMessage("m1", []);
        using var second = new RecordingSourceMessage("m2", []);

        coordinator.Accept(first, Add("e1", ["a"], "x"));
        await clock.NextArmedAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        // Far past Batching:MaxBatchDelay (1 ms here), well within the hold.
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAny(clock.NextArmedAsync(Ct).AsTask(), called.Task).WaitAsync(Wait, Ct);
        Assert.Empty(harness.Api.Calls);

        coordinator.Accept(second, Add("e2", ["a"], "y"));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAny(clock.NextArmedAsync(Ct).AsTask(), called.Task).WaitAsync(Wait, Ct);
        Assert.Empty(harness.Api.Calls);

        // The hold counts from the fold's latest change (1 s in): five seconds after the first, the fold still waits.
        clock.Advance(TimeSpan.FromSeconds(4));
        await Task.WhenAny(clock.NextArmedAsync(Ct).AsTask(), called.Task).WaitAsync(Wait, Ct);
        Assert.Empty(harness.Api.Calls);

        // Past the hold from the latest change (folded 1 s in, or 1.1 s if the loop saw it after the clock moved).
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["completed", "completed"], await Task.WhenAll(first.Settled, second.Settled).WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        var call = Assert.Single(harness.Api.Calls);
        Assert.Equal(["x", "y"], Assert.Single(call.Users).Tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BacklogWaiting_WindowFull_SendsAtOnceWithoutHoldingOrWaitingForTheBatchDelay()
    {
        var clock = new TimerWatchingClock(At);
        await using var harness = new PipelineHarness(
            new() { ["Batching:MaxBacklogHold"] = "00:00:05", ["Batching:MaxBatchDelay"] = "00:00:10", ["Pipeline:MaxHeldMessages"] = "1" },
            clock);
        var source = new BacklogSource { BacklogWaiting = true };
        await using var coordinator = harness.CreateCoordinator(source);
        var loop = coordinator.RunAsync();
        using var only = new RecordingSourceMessage("m1", []);

        // Nothing more can arrive to fill the request: it goes without the clock moving at all.
        coordinator.Accept(only, Add("e1", ["a"], "x"));

        Assert.Equal("completed", await only.Settled.WaitAsync(Wait, Ct));
        Assert.Single(harness.Api.Calls);
        await DrainAsync(coordinator, loop);
    }

    [Fact]
    public async Task BacklogWaiting_BacklogEnds_FoldIsSentAtTheNextLook()
    {
        var clock = new TimerWatchingClock(At);
        await using var harness = new PipelineHarness(new() { ["Batching:MaxBacklogHold"] = "00:00:30" }, clock);
        var source = new BacklogSource { BacklogWaiting = true };
        await using var coordinator = harness.CreateCoordinator(source);
        var loop = coordinator.RunAsync();
        using var only = new RecordingSourceMessage("m1", []);

        coordinator.Accept(only, Add("e1", ["a"], "x"));
        var due = await clock.NextArmedAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        source.BacklogWaiting = false;
        // The next look at the backlog, far before the hold would end.
        clock.Advance(due);

        Assert.Equal("completed", await only.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
    }

    private static async Task DrainAsync(PipelineCoordinator coordinator, Task loop)
    {
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);
    }
}
