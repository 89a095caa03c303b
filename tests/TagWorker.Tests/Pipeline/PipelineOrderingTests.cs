using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Tests.TestDoubles;
using static TagWorker.Tests.Pipeline.PipelineEvents;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// The ordering rules of issue 8 at the coordinator: lock loss, refused settles, returned messages and redeliveries
/// never let a user's older change land on a newer one, and never send what was already applied.
/// </summary>
public sealed class PipelineOrderingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task LockLost_WhileTheUsersCallIsOnTheWire_CallResolvesMessageIsNeverSettledAndLaterOnesGoBackUnsent()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m1", []);
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        await held.WaitAsync(Wait, Ct);
        using var second = new RecordingSourceMessage("m2", []);
        using var third = new RecordingSourceMessage("m3", []);
        coordinator.Accept(second, Add("e2", ["a"], "y"));
        coordinator.Accept(third, Add("e3", ["a", "b"], "z"));

        first.LoseLock();
        harness.Api.Release("a");

        Assert.Equal("abandoned", await second.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("abandoned", await third.Settled.WaitAsync(Wait, Ct));
        await coordinator.WhenFenceRequested.WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
        Assert.False(first.Settled.IsCompleted, "a message whose lock was lost must never be settled");
        Assert.Single(harness.Api.Calls, c => c.Users.Any(u => u.Account == "a"));
        Assert.Contains("lock", second.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockLost_SessionMessageWhileOnTheWire_NeverSettledAndNoFence()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var held = harness.Api.Hold("a");
        using var first = new RecordingSourceMessage("m1", []) { Session = "0" };
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        await held.WaitAsync(Wait, Ct);
        using var second = new RecordingSourceMessage("m2", []) { Session = "0" };
        coordinator.Accept(second, Add("e2", ["a"], "y"));

        first.LoseLock();
        second.LoseLock();
        harness.Api.Release("a");
        await DrainAsync(coordinator, loop);

        // The broker delivers the session again, in order, to whoever takes it: nothing here is settled, and a
        // session needs no fence.
        Assert.False(first.Settled.IsCompleted);
        Assert.False(second.Settled.IsCompleted);
        Assert.False(coordinator.WhenFenceRequested.IsCompleted);
        Assert.Single(harness.Api.Calls);
    }

    [Fact]
    public async Task LockLost_BeforeTheMessageReachedTheLoop_NeverSentNorSettledAndLaterOnesOfItsUserParkedUntilTheFenceGivesThemBack()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var lost = new RecordingSourceMessage("m1", []);
        using var later = new RecordingSourceMessage("m2", []);
        using var other = new RecordingSourceMessage("m3", []);
        lost.LoseLock();

        coordinator.Accept(lost, Add("e1", ["a"], "x"));
        coordinator.Accept(later, Add("e2", ["a"], "y"));
        coordinator.Accept(other, Add("e3", ["b"], "z"));

        Assert.Equal("completed", await other.Settled.WaitAsync(Wait, Ct));

        // The broker still holds m1 locked until its lock expires: m2 waits parked behind it, and only a fence (or the
        // park timing out) brings m1 back, so a message handed over with its lock already lost must fence at once.
        await coordinator.WhenFenceRequested.WaitAsync(Wait, Ct);
        Assert.False(later.Settled.IsCompleted);

        // The fence's drain gives the parked message back, unsent.
        await DrainAsync(coordinator, loop);
        Assert.Equal("abandoned", await later.Settled.WaitAsync(Wait, Ct));
        Assert.False(lost.Settled.IsCompleted);
        Assert.DoesNotContain(harness.Api.Calls, c => c.Users.Any(u => u.Account == "a"));
    }

    [Fact]
    public async Task SettleRefused_OnComplete_LaterMessageOfTheUserIsNotCompletedAheadAndIntakeFences()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var broker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var first = new RecordingSourceMessage("m1", []) { FailSettlement = true, SettleGate = broker.Task };
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        await harness.Api.WhenTagApplied("a", "x").WaitAsync(Wait, Ct);
        using var second = new RecordingSourceMessage("m2", []);
        using var other = new RecordingSourceMessage("m3", []);
        coordinator.Accept(second, Add("e2", ["a"], "y"));
        coordinator.Accept(other, Add("e3", ["b"], "z"));
        await harness.Api.WhenTagApplied("a", "y").WaitAsync(Wait, Ct);
        Assert.Equal("completed", await other.Settled.WaitAsync(Wait, Ct));

        // m2 is applied, but its settlement waits for m1's, which the broker has not answered yet.
        Assert.False(second.Settled.IsCompleted);
        broker.SetResult();

        Assert.Equal("completed", await first.Settled.WaitAsync(Wait, Ct));
        Assert.True(first.SettleRefused);
        Assert.Equal("abandoned", await second.Settled.WaitAsync(Wait, Ct));
        await coordinator.WhenFenceRequested.WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);
    }

    [Fact]
    public async Task RetriesExhausted_ThenALaterMessageOfTheUser_LaterOneIsParkedUnsentAndAppliedAfterTheEarlierComesBack()
    {
        // Two attempts, both failing: the request exhausts its retries once.
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = "2" });
        var failures = 2;
        harness.Api.Script = (request, _) => Interlocked.Decrement(ref failures) >= 0 ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var first = new RecordingSourceMessage("m1", []);
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        Assert.Equal("abandoned", await first.Settled.WaitAsync(Wait, Ct));
        Assert.Contains("retries exhausted", first.LastError, StringComparison.Ordinal);
        Assert.Contains("91000", first.LastError, StringComparison.Ordinal);

        // The later message waits, parked: no delivery of it is spent and nothing of it is sent.
        using var second = new RecordingSourceMessage("m2", []);
        coordinator.Accept(second, Remove("e2", ["a"], "x"));

        // The broker delivers the earlier one again; the parked one goes on after it.
        using var firstAgain = first.Redeliver();
        coordinator.Accept(firstAgain, Add("e1", ["a"], "x"));
        Assert.Equal("completed", await firstAgain.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("completed", await second.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Empty(harness.Api.Snapshot()["a"]);
    }

    /// <summary>
    /// As above, but the broker refuses the complete at once (the settle task is already done when the coordinator
    /// looks at it). <c>PipelineCoordinator.RemoveIfIdle</c> then forgets the users — their last settlement "is
    /// completed" — before the settlement report arrives, which lands in fresh ledgers without the watermark: the
    /// redelivery is sent again instead of being recognised. (The same happens whenever the idle sweep runs between
    /// a refused settle and its report.)
    /// </summary>
    [Fact]
    public async Task Redelivery_OfAnAppliedMessageWhoseCompleteWasRefusedAtOnce_CompletesWithoutSendingAgain()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var first = new RecordingSourceMessage("m1", []) { Session = "0", FailSettlement = true };
        coordinator.Accept(first, Add("e1", ["a", "b"], "x"));
        Assert.Equal("completed", await first.Settled.WaitAsync(Wait, Ct));
        var calls = harness.Api.Calls.Count;

        using var again = first.Redeliver();
        coordinator.Accept(again, Add("e1", ["a", "b"], "x"));

        Assert.Equal("completed", await again.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(calls, harness.Api.Calls.Count);
    }

    /// <summary>
    /// Issue 8: "a settle that fails keeps its users from completing later messages ahead of the redelivery". Here
    /// two returned messages come back in order; the first is applied and its complete is still with the broker when
    /// the second arrives. Arriving as the oldest returned message, the second restarts the user's settlement order
    /// (<c>RedeliveryRules.OnArrival</c> → <c>UserLedger.RestartOrder</c>), so it no longer waits for the first's
    /// settlement: when the broker then refuses the first complete (lock lost), the second is already completed, and
    /// the first comes back to be applied on top of it.
    /// </summary>
    [Fact]
    public async Task SettleRefused_OnARedeliveryWhileTheNextRedeliveryArrives_NextIsNotCompletedAhead()
    {
        // Two attempts, both failing: the request exhausts its retries once.
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = "2" });
        var failures = 2;
        harness.Api.Script = (request, _) => Interlocked.Decrement(ref failures) >= 0 ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        // Both are taken before the failing call exhausts its retries (its backoff), so both are the user's work
        // when it does and both go back: m2 is on the returned list, not parked.
        using var first = new RecordingSourceMessage("m1", []);
        using var second = new RecordingSourceMessage("m2", []);
        coordinator.Accept(first, Add("e1", ["a"], "x"));
        coordinator.Accept(second, Remove("e2", ["a"], "x"));
        Assert.Equal("abandoned", await first.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("abandoned", await second.Settled.WaitAsync(Wait, Ct));

        var broker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var firstAgain = first.Redeliver();
        firstAgain.FailSettlement = true;
        firstAgain.SettleGate = broker.Task;
        coordinator.Accept(firstAgain, Add("e1", ["a"], "x"));
        // m1's change is applied and its complete is with the broker; m2 comes back now.
        await firstAgain.SettleStarted.WaitAsync(Wait, Ct);
        using var secondAgain = second.Redeliver();
        coordinator.Accept(secondAgain, Remove("e2", ["a"], "x"));
        await harness.Api.WhenAppliedCalls(2).WaitAsync(Wait, Ct);
        broker.SetResult();
        await firstAgain.Settled.WaitAsync(Wait, Ct);
        await coordinator.WhenFenceRequested.WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);

        Assert.True(firstAgain.SettleRefused);
        Assert.Equal("abandoned", await secondAgain.Settled);
    }

    /// <summary>
    /// A segment message P (users a, w) goes back because w's call exhausted its retries, while a's part of P and of a
    /// later message X (users a, v) were applied together. X waits to settle behind v's earlier message, whose call is
    /// on the wire. P comes back and, arriving as a's oldest returned message, is taken off a's returned list and
    /// applied again — after X's change. X must then go back too (to be applied again after P), but nothing remembers
    /// that X was applied while P was out: X completes, and a ends with P's change over X's.
    /// </summary>
    [Fact]
    public async Task Redelivery_OfAnOlderMessageAfterANewerOneWasApplied_NewerOneIsAppliedAgainAfterIt()
    {
        // One user a request, so that w's failing call is not a's; two requests an endpoint on the wire, so that a
        // third user's request goes out only once the loop has handled w's failure.
        await using var harness = new PipelineHarness(new()
        {
            ["Retry:MaxAttempts"] = "2",
            ["Batching:MaxUsersPerRequest"] = "1",
            ["ImApi:MaxConcurrentRequests"] = "2",
        });
        var wFails = 2;
        harness.Api.Script = (request, _) =>
            request.Users.Any(u => u.Account == "w") && Interlocked.Decrement(ref wFails) >= 0 ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var heldV = harness.Api.Hold("v");
        using var v0 = new RecordingSourceMessage("v0", []);
        coordinator.Accept(v0, Remove("e0", ["v"], "none"));
        await heldV.WaitAsync(Wait, Ct);
        var heldA = harness.Api.Hold("a");
        var heldW = harness.Api.Hold("w");
        using var p = new RecordingSourceMessage("p", []);
        coordinator.Accept(p, Add("e1", ["a", "w"], "p"));
        await Task.WhenAll(heldA, heldW).WaitAsync(Wait, Ct);
        using var x = new RecordingSourceMessage("x", []);
        coordinator.Accept(x, Remove("e2", ["a", "v"], "p"));

        // w's call exhausts its retries: P goes back. r's request can leave only after the loop handled that.
        harness.Api.Release("w");
        using var r = new RecordingSourceMessage("r", []);
        coordinator.Accept(r, Add("e3", ["r"], "r"));
        await harness.Api.WhenTagApplied("r", "r").WaitAsync(Wait, Ct);
        harness.Api.Release("a");
        Assert.Equal("abandoned", await p.Settled.WaitAsync(Wait, Ct));
        // Applied: r's add, a's part of P (add p), then a's part of X (remove p).
        await harness.Api.WhenAppliedCalls(3).WaitAsync(Wait, Ct);

        using var pAgain = p.Redeliver();
        coordinator.Accept(pAgain, Add("e1", ["a", "w"], "p"));
        // P's parts for a and w are applied again: a's after X's.
        await harness.Api.WhenAppliedCalls(5).WaitAsync(Wait, Ct);
        harness.Api.Release("v");
        var outcomes = await Task.WhenAll(v0.Settled, x.Settled, pAgain.Settled).WaitAsync(Wait, Ct);
        await DrainAsync(coordinator, loop);

        // X must come back to be applied after P again; completed, it leaves a with P's tag.
        var tags = harness.Api.Snapshot()["a"];
        Assert.True(outcomes[1] == "abandoned" || !tags.Contains("p"), $"X {outcomes[1]}, a holds [{string.Join(',', tags)}]");
    }

    [Fact]
    public async Task RetriesExhausted_AtTheMessagesLastDelivery_KeepsAndRetriesInsteadOfAbandoning()
    {
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = "2" });
        var failures = 5;
        harness.Api.Script = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var last = new RecordingSourceMessage("m1", [], deliveryCount: 9) { MaxDeliveries = 10 };

        coordinator.Accept(last, Add("e1", ["a"], "x"));

        Assert.Equal("completed", await last.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(6, harness.Api.Calls.Count);
        Assert.Equal(["x"], harness.Api.Snapshot()["a"]);
    }

    [Fact]
    public async Task RetriesExhausted_BeforeTheLastDelivery_AbandonsWithTheLastError()
    {
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = "2" });
        harness.Api.Script = (_, _) => FakeImApi.Code(ImErrorCodes.InternalError, "storm");
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var early = new RecordingSourceMessage("m1", [], deliveryCount: 8) { MaxDeliveries = 10 };

        coordinator.Accept(early, Add("e1", ["a"], "x"));

        Assert.Equal("abandoned", await early.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(2, harness.Api.Calls.Count);
        Assert.Contains("91000 storm", early.LastError, StringComparison.Ordinal);
    }

    private static async Task DrainAsync(PipelineCoordinator coordinator, Task loop)
    {
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);
    }
}
