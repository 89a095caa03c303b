using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using TagWorker.Sources;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusSourceTests
{
    [Fact]
    public async Task RunAsync_Queue_CreatesPeekLockProcessorWithConfiguredSettings()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.PrefetchCount = 250;
            o.MaxAutoLockRenewal = TimeSpan.FromMinutes(7);
        });
        await harness.StartedAsync();

        Assert.Equal("processor queue tag-events", harness.Client.CreatedFor);
        ServiceBusProcessorOptions options = harness.Client.ProcessorOptions!;
        Assert.Equal(ServiceBusReceiveMode.PeekLock, options.ReceiveMode);
        Assert.False(options.AutoCompleteMessages);
        Assert.Equal(1, options.MaxConcurrentCalls);
        Assert.Equal(250, options.PrefetchCount);
        Assert.Equal(TimeSpan.FromMinutes(7), options.MaxAutoLockRenewalDuration);
    }

    [Fact]
    public async Task RunAsync_TopicSubscription_CreatesProcessorForSubscription()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.QueueName = null;
            o.TopicName = "tags";
            o.SubscriptionName = "worker";
        });
        await harness.StartedAsync();

        Assert.Equal("processor topic tags subscription worker", harness.Client.CreatedFor);
    }

    [Fact]
    public async Task RunAsync_SessionsEnabled_CreatesSessionProcessorWithOneCallPerSession()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.SessionsEnabled = true;
            o.MaxConcurrentSessions = 16;
            o.SessionIdleTimeout = TimeSpan.FromSeconds(3);
            o.PrefetchCount = 50;
        });
        await harness.StartedAsync();

        Assert.Equal("session processor queue tag-events", harness.Client.CreatedFor);
        ServiceBusSessionProcessorOptions options = harness.Client.SessionProcessorOptions!;
        Assert.False(options.AutoCompleteMessages);
        Assert.Equal(ServiceBusReceiveMode.PeekLock, options.ReceiveMode);
        Assert.Equal(16, options.MaxConcurrentSessions);
        Assert.Equal(1, options.MaxConcurrentCallsPerSession);
        Assert.Equal(TimeSpan.FromSeconds(3), options.SessionIdleTimeout);
        Assert.Equal(50, options.PrefetchCount);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxAutoLockRenewalDuration);
    }

    [Fact]
    public async Task Handler_MessageReceived_HandsOffWrapperOfThatMessage()
    {
        await using var harness = new SourceHarness();

        _ = await harness.DeliverAsync(TestMessages.Create("m-1", deliveryCount: 2));
        SourceMessage message = await harness.NextHandedOffAsync();

        Assert.Equal("m-1", message.MessageId);
        Assert.Equal(2, message.DeliveryCount);
        Assert.False(message.IsSettled);
    }

    [Fact]
    public async Task Handler_HandedOffMessageUnsettled_DoesNotReturnUntilSettled()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();

        // Nothing new arrives, but m-1 is still with the pipeline: the handler keeps the scope (and the lock) alive.
        await harness.NextReceiveAsync();
        harness.Actions.Supply();
        await harness.NextReceiveAsync();
        Assert.False(handler.IsCompleted);

        await message.CompleteAsync(TestContext.Current.CancellationToken);
        harness.Actions.Supply();
        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal("Complete", Assert.Single(harness.Recorder.Calls).Kind);
    }

    [Fact]
    public async Task Handler_MoreMessagesReceived_HandsOffInReceiveOrder()
    {
        await using var harness = new SourceHarness();
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        await harness.NextReceiveAsync();

        harness.Actions.Supply(TestMessages.Create("m-2"), TestMessages.Create("m-3"), TestMessages.Create("m-4"));

        string[] ids = [
            (await harness.NextHandedOffAsync()).MessageId,
            (await harness.NextHandedOffAsync()).MessageId,
            (await harness.NextHandedOffAsync()).MessageId,
            (await harness.NextHandedOffAsync()).MessageId,
        ];
        Assert.Equal(["m-1", "m-2", "m-3", "m-4"], ids);
    }

    [Fact]
    public async Task Handler_Receive_AsksForFreeWindowSlotsAndWaitsForMessagesIndefinitelyWithoutSessions()
    {
        await using var harness = new SourceHarness(o => o.MaxConcurrentMessages = 5);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));

        ReceiveRequest request = await harness.NextReceiveAsync();

        Assert.Equal(4, request.MaxMessages);
        Assert.Null(request.MaxWaitTime);
    }

    [Fact]
    public async Task Handler_WindowFull_HandsOffNextOnlyAfterASettlement()
    {
        await using var harness = new SourceHarness(o => o.MaxConcurrentMessages = 2);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage first = await harness.NextHandedOffAsync();
        Assert.Equal(1, (await harness.NextReceiveAsync()).MaxMessages);
        harness.Actions.Supply(TestMessages.Create("m-2"));
        _ = await harness.NextHandedOffAsync();

        // The window is full: the next receive still asks for one message, but it waits for a slot.
        Assert.Equal(1, (await harness.NextReceiveAsync()).MaxMessages);
        harness.Actions.Supply(TestMessages.Create("m-3"));
        Assert.False(harness.TryTakeHandedOff(out _));

        await first.CompleteAsync(TestContext.Current.CancellationToken);
        Assert.Equal("m-3", (await harness.NextHandedOffAsync()).MessageId);
    }

    [Fact]
    public async Task Handler_NothingOutstandingAndNothingNew_Returns()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        await message.DeadLetterAsync("InvalidEvent", "not JSON", TestContext.Current.CancellationToken);
        harness.Actions.Supply();

        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsProcessingWithoutCancellingAndReturnsOnlyAfterPipelineAbandons()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        ReceiveRequest pendingReceive = await harness.NextReceiveAsync();

        await harness.Stop.CancelAsync();
        await harness.Client.Processor.Lifecycle.StopRequested.Task.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        Assert.True(pendingReceive.Token.IsCancellationRequested);
        Assert.False(harness.Client.Processor.Lifecycle.StopToken.CanBeCanceled);
        Assert.False(handler.IsCompleted);
        Assert.False(harness.Run.IsCompleted);

        await message.AbandonAsync(TestContext.Current.CancellationToken);

        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.True(handler.IsCompletedSuccessfully);
        Assert.True(harness.Client.Processor.Lifecycle.Disposed);
        Assert.Equal("Abandon", Assert.Single(harness.Recorder.Calls).Kind);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileSettlementInFlight_SettlementNotCancelledAndRunWaitsForIt()
    {
        await using var harness = new SourceHarness();
        harness.Recorder.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        Task complete = message.CompleteAsync(TestContext.Current.CancellationToken);
        await harness.Recorder.FirstCall.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        await harness.Stop.CancelAsync();
        await harness.Client.Processor.Lifecycle.StopRequested.Task.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(harness.Recorder.Calls);
        Assert.False(call.Token.CanBeCanceled);
        Assert.False(harness.Run.IsCompleted);

        harness.Recorder.Gate.SetResult();
        await complete.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Handler_StopArrivesMidBatch_AbandonsRestWithoutHandingItOff()
    {
        SourceHarness? self = null;
        await using var harness = (self = new SourceHarness(onMessage: async message =>
        {
            if (message.MessageId == "m-2")
            {
                await self!.Stop.CancelAsync();
            }
        }));
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage first = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Actions.Supply(TestMessages.Create("m-2"), TestMessages.Create("m-3"));
        SourceMessage second = await harness.NextHandedOffAsync();
        await harness.Recorder.FirstCall.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(harness.Recorder.Calls);
        Assert.Equal(("Abandon", "m-3"), (call.Kind, call.Message.MessageId));
        Assert.False(harness.TryTakeHandedOff(out _));

        await first.AbandonAsync(TestContext.Current.CancellationToken);
        await second.AbandonAsync(TestContext.Current.CancellationToken);
        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Handler_InvokedAfterStopRequested_AbandonsTriggerWithoutHandingItOff()
    {
        await using var harness = new SourceHarness();
        await harness.StartedAsync();
        await harness.Stop.CancelAsync();

        Task handler = await harness.DeliverAsync(TestMessages.Create("late"));

        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        SettleCall call = Assert.Single(harness.Recorder.Calls);
        Assert.Equal(("Abandon", "late"), (call.Kind, call.Message.MessageId));
        Assert.False(harness.TryTakeHandedOff(out _));
    }

    [Fact]
    public async Task Handler_PipelineShuttingDownRefusesMessage_AbandonsItWithoutErrorLog()
    {
        SourceHarness? self = null;
        await using var harness = (self = new SourceHarness(onMessage: async message =>
        {
            if (message.MessageId == "m-2")
            {
                await self!.Stop.CancelAsync();
                throw new OperationCanceledException();
            }
        }));
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage first = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Actions.Supply(TestMessages.Create("m-2"), TestMessages.Create("m-3"));
        _ = await harness.NextHandedOffAsync();
        await first.AbandonAsync(TestContext.Current.CancellationToken);
        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(["m-1", "m-2", "m-3"], harness.Recorder.Calls.Select(c => c.Message.MessageId).Order());
        Assert.All(harness.Recorder.Calls, c => Assert.Equal("Abandon", c.Kind));
        Assert.DoesNotContain(harness.Logger.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Handler_ScopeBudgetReached_StopsReceivingAndReturnsOnceSettled()
    {
        // A window of one gives a scope budget of ten messages.
        await using var harness = new SourceHarness(o => o.MaxConcurrentMessages = 1);
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage current = await harness.NextHandedOffAsync();
        for (int i = 2; i <= 10; i++)
        {
            await harness.NextReceiveAsync();
            harness.Actions.Supply(TestMessages.Create($"m-{i}"));
            await current.CompleteAsync(TestContext.Current.CancellationToken);
            current = await harness.NextHandedOffAsync();
        }

        Assert.Equal("m-10", current.MessageId);
        await current.CompleteAsync(TestContext.Current.CancellationToken);

        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.False(harness.Actions.Requests.TryRead(out _));
        Assert.Equal(10, harness.Recorder.Calls.Count);
    }

    [Fact]
    public async Task Handler_PipelineRefusesMessage_AbandonsItLogsAndHandsOffTheNext()
    {
        await using var harness = new SourceHarness(onMessage: message =>
            message.MessageId == "m-2" ? throw new InvalidOperationException("intake closed") : ValueTask.CompletedTask);
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        _ = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Actions.Supply(TestMessages.Create("m-2"), TestMessages.Create("m-3"));

        Assert.Equal("m-2", (await harness.NextHandedOffAsync()).MessageId);
        Assert.Equal("m-3", (await harness.NextHandedOffAsync()).MessageId);
        SettleCall call = Assert.Single(harness.Recorder.Calls);
        Assert.Equal(("Abandon", "m-2"), (call.Kind, call.Message.MessageId));
        LogEntry entry = Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 3104);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("m-2", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handler_ReceiveFails_WaitsForSettlementThenFencesThenRethrowsToProcessor()
    {
        await using var harness = new SourceHarness();
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1"));
        SourceMessage message = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Actions.Fail(new ServiceBusException("connection lost", ServiceBusFailureReason.ServiceCommunicationProblem));
        Assert.False(handler.IsCompleted);

        await message.CompleteAsync(TestContext.Current.CancellationToken);
        // Messages sent on the lost link may be locked to it: the handler (and so the processor) waits the fence.
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("ReceiveFailed", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration - TimeSpan.FromTicks(1));
        Assert.False(handler.IsCompleted);
        harness.Time.Advance(TimeSpan.FromTicks(1));

        ServiceBusException thrown = await Assert.ThrowsAsync<ServiceBusException>(() => handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(ServiceBusFailureReason.ServiceCommunicationProblem, thrown.Reason);
    }

    [Fact]
    public async Task Handler_SessionMessage_HandsOffInOrderAndWaitsAtMostSessionIdleTimeout()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.SessionsEnabled = true;
            o.SessionIdleTimeout = TimeSpan.FromSeconds(2);
        });
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "17"));
        SourceMessage first = await harness.NextHandedOffAsync();
        ReceiveRequest request = await harness.NextReceiveAsync();
        harness.Actions.Supply(TestMessages.Create("m-2", sessionId: "17"));
        SourceMessage second = await harness.NextHandedOffAsync();

        Assert.Equal(TimeSpan.FromSeconds(2), request.MaxWaitTime);
        Assert.Equal(["m-1", "m-2"], new[] { first.MessageId, second.MessageId });

        await first.CompleteAsync(TestContext.Current.CancellationToken);
        await second.CompleteAsync(TestContext.Current.CancellationToken);
        await harness.NextReceiveAsync();
        harness.Actions.Supply();
        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(["Complete", "Complete"], harness.Recorder.Calls.Select(c => c.Kind));
        Assert.True(harness.LastSessionArgs!.SessionReleased);
    }

    [Fact]
    public async Task Handler_SessionScopeOutlivesHalfTheLockRenewal_StopsTakingDrainsAndReleasesSession()
    {
        await using var harness = new SourceHarness(o =>
        {
            o.SessionsEnabled = true;
            o.MaxAutoLockRenewal = TimeSpan.FromMinutes(10);
        });
        Task handler = await harness.DeliverAsync(TestMessages.Create("m-1", sessionId: "4"));
        SourceMessage first = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        harness.Actions.Supply(TestMessages.Create("m-2", sessionId: "4"));
        SourceMessage second = await harness.NextHandedOffAsync();
        await first.CompleteAsync(TestContext.Current.CancellationToken);
        Assert.False(handler.IsCompleted);
        Assert.False(harness.LastSessionArgs!.SessionReleased);
        await second.CompleteAsync(TestContext.Current.CancellationToken);

        await handler.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.True(harness.LastSessionArgs.SessionReleased);
        Assert.False(harness.Actions.Requests.TryRead(out _));
    }

    [Fact]
    public async Task Handler_ScopeShorterThanHalfTheLockRenewal_KeepsReceiving()
    {
        await using var harness = new SourceHarness(o => o.MaxAutoLockRenewal = TimeSpan.FromMinutes(10));
        _ = await harness.DeliverAsync(TestMessages.Create("m-1"));
        _ = await harness.NextHandedOffAsync();
        await harness.NextReceiveAsync();

        harness.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        harness.Actions.Supply(TestMessages.Create("m-2"));
        _ = await harness.NextHandedOffAsync();

        await harness.NextReceiveAsync();
    }

    [Fact]
    public async Task ErrorHandler_ProcessorError_LoggedAsWarningWithoutSecrets()
    {
        await using var harness = new SourceHarness();
        await harness.StartedAsync();
        var error = new ServiceBusException("entity not found", ServiceBusFailureReason.MessagingEntityNotFound);

        await harness.Client.Processor.RaiseErrorAsync(
            new ProcessErrorEventArgs(error, ServiceBusErrorSource.RenewLock, "example.servicebus.windows.net", "tag-events", CancellationToken.None));

        LogEntry entry = Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 3103);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Same(error, entry.Exception);
        Assert.Contains("tag-events", entry.Message, StringComparison.Ordinal);
        Assert.All(harness.Logger.Entries, e => Assert.DoesNotContain(SourceHarness.Secret, e.Message, StringComparison.Ordinal));
    }
}
