using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using TagWorker.Sources;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// Lock ends and lock loss: a message whose lock is (nearly) gone is not handed out, a lost lock cancels
/// <see cref="SourceMessage.LockLost"/>, a scope never waits for a message whose lock is lost, and shutdown is not a
/// lock loss.
/// </summary>
public sealed class ServiceBusSourceLockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handler_ReceivedMessageLockNearlyExpiredAtHandOff_AbandonsItAndLaterOnesWithoutHandingThemOutThenFences()
    {
        await using var harness = new SourceHarness();
        DateTimeOffset now = harness.Time.GetUtcNow();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", sequenceNumber: 1, lockedUntil: now.AddMinutes(1)));
        SourceMessage first = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Actions.Supply(
            TestMessages.Create("m-2", sequenceNumber: 2, lockedUntil: now + MessagePumpMargin - TimeSpan.FromTicks(1)),
            TestMessages.Create("m-3", sequenceNumber: 3, lockedUntil: now.AddMinutes(1)));
        await harness.Recorder.FirstCall.WaitAsync(TestMessages.Timeout, Ct);
        await harness.Logger.NextAsync(3108);

        Assert.False(harness.TryTakeHandedOff(out _));
        Assert.False(handler.IsCompleted);

        // The pipeline settles what it holds; then the fence, and only then may the processor receive again.
        await first.CompleteAsync(Ct);
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("LockExpiredAtHandOff", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration - TimeSpan.FromTicks(1));
        Assert.False(handler.IsCompleted);
        harness.Time.Advance(TimeSpan.FromTicks(1));
        await handler.WaitAsync(TestMessages.Timeout, Ct);

        Assert.Equal([("Abandon", "m-2"), ("Abandon", "m-3"), ("Complete", "m-1")], harness.Recorder.Calls.Select(c => (c.Kind, c.Message.MessageId)));
        Assert.False(harness.Actions.Requests.TryRead(out _));
    }

    [Fact]
    public async Task Handler_TriggerLockAlreadyPassed_AbandonedNotHandedOutAndFenced()
    {
        await using var harness = new SourceHarness();
        DateTimeOffset now = harness.Time.GetUtcNow();

        Task handler = await harness.DeliverAsync(TestMessages.Create("stale", lockedUntil: now.AddSeconds(-1)));
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("LockExpiredAtHandOff", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration);
        await handler.WaitAsync(TestMessages.Timeout, Ct);

        Assert.False(harness.TryTakeHandedOff(out _));
        SettleCall call = Assert.Single(harness.Recorder.Calls);
        Assert.Equal(("Abandon", "stale"), (call.Kind, call.Message.MessageId));
        LogEntry warning = Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 3108);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task Handler_MessageLockWithRoomAtHandOff_HandedOutWithItsLockEnd()
    {
        await using var harness = new SourceHarness();
        DateTimeOffset lockedUntil = harness.Time.GetUtcNow() + MessagePumpMargin;

        _ = await harness.DeliverAsync(TestMessages.Create("m-1", lockedUntil: lockedUntil));
        SourceMessage message = await harness.NextHandedOffAsync();

        Assert.Equal(lockedUntil, message.LockedUntil);
        Assert.False(message.LockLost.IsCancellationRequested);
        Assert.Equal(10, message.MaxDeliveryCount);
        Assert.Null(message.SessionId);
    }

    [Fact]
    public async Task Handler_MessageLockRunsOutInThePipeline_LockLostFiresScopeStopsTakingAndDoesNotWaitForIt()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", lockedUntil: harness.Time.GetUtcNow().AddMinutes(1)));
        SourceMessage message = await harness.NextHandedOffAsync();
        ReceiveRequest pending = await harness.NextReceiveAsync();

        harness.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(message.LockLost.IsCancellationRequested);
        Assert.True(pending.Token.IsCancellationRequested);
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("LockLost", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration);
        await handler.WaitAsync(TestMessages.Timeout, Ct);

        // Settling after the loss fails as the broker would, without asking it (the scope and its receiver are gone).
        ServiceBusException thrown = await Assert.ThrowsAsync<ServiceBusException>(() => message.CompleteAsync(Ct));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, thrown.Reason);
        Assert.Empty(harness.Recorder.Calls);
    }

    [Fact]
    public async Task Handler_SdkReportsTriggerLockLost_LockLostFiresAndScopeEndsAfterTheFence()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        ReceiveRequest pending = await harness.NextReceiveAsync();

        await harness.LastArgs!.RaiseMessageLockLostAsync();

        Assert.True(message.LockLost.IsCancellationRequested);
        Assert.True(pending.Token.IsCancellationRequested);
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("LockLost", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration);
        await handler.WaitAsync(TestMessages.Timeout, Ct);
        Assert.Empty(harness.Recorder.Calls);
    }

    [Fact]
    public async Task CompleteAsync_BrokerSaysLockLost_LockLostFiresAndIntakeFences()
    {
        await using var harness = new SourceHarness();
        harness.Recorder.Failure = new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        ReceiveRequest pending = await harness.NextReceiveAsync();

        ServiceBusException thrown = await Assert.ThrowsAsync<ServiceBusException>(() => message.CompleteAsync(Ct));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, thrown.Reason);
        Assert.True(message.LockLost.IsCancellationRequested);
        Assert.True(pending.Token.IsCancellationRequested);
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("LockLost", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration);
        await handler.WaitAsync(TestMessages.Timeout, Ct);
    }

    [Fact]
    public async Task RunAsync_Stopped_IsNotALockLoss()
    {
        await using var harness = new SourceHarness();
        _ = await harness.DeliverAsync(TestMessages.Create("m-1", lockedUntil: harness.Time.GetUtcNow().AddMinutes(1)));
        SourceMessage message = await harness.NextHandedOffAsync();

        await harness.Stop.CancelAsync();
        await harness.Client.Processor.Lifecycle.StopRequested.Task.WaitAsync(TestMessages.Timeout, Ct);

        Assert.False(message.LockLost.IsCancellationRequested);
        await message.AbandonAsync(Ct);
        await harness.Run.WaitAsync(TestMessages.Timeout, Ct);
        Assert.Equal("Abandon", Assert.Single(harness.Recorder.Calls).Kind);
    }

    [Fact]
    public async Task Handler_SessionLockLostMidScope_ScopeReturnsWithoutThePipelineSettlingAndEveryMessageSeesLockLost()
    {
        await using var harness = new SourceHarness(o => o.SessionsEnabled = true);
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "5"));
        SourceMessage first = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();
        harness.Actions.Supply(TestMessages.Create("m-2", sessionId: "5"));
        SourceMessage second = await harness.NextHandedOffAsync();
        ReceiveRequest pending = await harness.NextReceiveAsync();

        await harness.LastSessionArgs!.RaiseSessionLockLostAsync();

        // The broker redelivers both, in order, to whoever takes the session: the scope does not wait for them.
        await handler.WaitAsync(TestMessages.Timeout, Ct);
        Assert.True(first.LockLost.IsCancellationRequested);
        Assert.True(second.LockLost.IsCancellationRequested);
        Assert.True(pending.Token.IsCancellationRequested);
        Assert.True(harness.LastSessionArgs.SessionReleased);
        Assert.Empty(harness.Recorder.Calls);
        Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 3109 && e.Message.Contains("session 5", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logger.Entries, e => e.EventId.Id == 3106);

        ServiceBusException thrown = await Assert.ThrowsAsync<ServiceBusException>(() => second.CompleteAsync(Ct));
        Assert.Equal(ServiceBusFailureReason.SessionLockLost, thrown.Reason);
        Assert.Empty(harness.Recorder.Calls);
    }

    [Fact]
    public async Task Handler_SessionLockLost_WindowSlotsComeBack()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.SessionsEnabled = true;
            o.MaxConcurrentMessages = 1;
        });
        Task lostScope = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "1"));
        _ = await harness.NextHandedOffAsync();
        ScriptedProcessSessionMessageEventArgs lostArgs = harness.LastSessionArgs!;
        await harness.NextReceiveAsync();

        await lostArgs.RaiseSessionLockLostAsync();
        await lostScope.WaitAsync(TestMessages.Timeout, Ct);

        // The only slot was held by the lost message; another session's message gets it.
        _ = await harness.DeliverAsync(TestMessages.Create("m-2", sessionId: "2"));
        Assert.Equal("m-2", (await harness.NextHandedOffAsync()).MessageId);
    }

    [Fact]
    public async Task Handler_SessionLockRenewed_LockedUntilFollowsAndLockLostWaitsForTheRenewedEnd()
    {
        await using var harness = new SourceHarness(o => o.SessionsEnabled = true);
        DateTimeOffset start = harness.Time.GetUtcNow();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "9"), sessionLockedUntil: start.AddMinutes(1));
        SourceMessage message = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();
        Assert.Equal("9", message.SessionId);
        Assert.Equal(start.AddMinutes(1), message.LockedUntil);

        harness.Time.Advance(TimeSpan.FromSeconds(50));
        harness.LastSessionReceiver!.LockedUntil = start.AddSeconds(110);
        harness.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(start.AddSeconds(110), message.LockedUntil);
        Assert.False(message.LockLost.IsCancellationRequested);

        harness.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(message.LockLost.IsCancellationRequested);
        await handler.WaitAsync(TestMessages.Timeout, Ct);
    }

    [Fact]
    public async Task RunAsync_SessionsStopped_IsNotALockLoss()
    {
        await using var harness = new SourceHarness(o => o.SessionsEnabled = true);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "3"), sessionLockedUntil: harness.Time.GetUtcNow().AddMinutes(1));
        SourceMessage message = await harness.NextHandedOffAsync();

        await harness.Stop.CancelAsync();
        await harness.Client.SessionProcessor.Lifecycle.StopRequested.Task.WaitAsync(TestMessages.Timeout, Ct);

        Assert.False(message.LockLost.IsCancellationRequested);
        await message.AbandonAsync(Ct);
        await harness.Run.WaitAsync(TestMessages.Timeout, Ct);
    }

    [Fact]
    public async Task RunAsync_StoppedWithPrefetch_AbandonsWhatTheReceiverPrefetched()
    {
        await using var harness = new SourceHarness(o => o.PrefetchCount = 3);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        await harness.Stop.CancelAsync();
        ReceiveRequest drain = await harness.NextReceiveAsync();
        harness.Actions.Supply(TestMessages.Create("p-1"), TestMessages.Create("p-2"));
        await harness.Logger.NextAsync(3110);
        await message.AbandonAsync(Ct);
        await harness.Run.WaitAsync(TestMessages.Timeout, Ct);

        Assert.Equal(3, drain.MaxMessages);
        Assert.False(drain.Token.CanBeCanceled);
        Assert.Equal(["m-1", "p-1", "p-2"], harness.Recorder.Calls.Select(c => c.Message.MessageId).Order());
        Assert.All(harness.Recorder.Calls, c => Assert.Equal("Abandon", c.Kind));
        Assert.False(harness.TryTakeHandedOff(out _));
    }

    [Fact]
    public async Task BacklogWaiting_ReceiveCameBackFull_TrueUntilOneComesBackShort()
    {
        await using var harness = new SourceHarness(o => o.MaxConcurrentMessages = 3);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        _ = await harness.NextHandedOffAsync();
        Assert.Equal(2, (await harness.NextReceiveAsync()).MaxMessages);
        Assert.False(harness.Source.BacklogWaiting);

        harness.Actions.Supply(TestMessages.Create("m-2"), TestMessages.Create("m-3"));
        _ = await harness.NextHandedOffAsync();
        _ = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();
        Assert.True(harness.Source.BacklogWaiting);

        // The window is full, so the receive asked for one; none came.
        harness.Actions.Supply();
        await harness.NextReceiveAsync();
        Assert.False(harness.Source.BacklogWaiting);
    }

    private static TimeSpan MessagePumpMargin => TagWorker.Sources.ServiceBus.MessagePump.MinLockRemainingAtHandOff;
}
