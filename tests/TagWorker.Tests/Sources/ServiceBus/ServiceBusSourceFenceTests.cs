using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// Without sessions, nothing is received before the entity's lock duration (plus the margin) has passed since the
/// intake session started or a receive failed: what an earlier receiver left locked must be back first.
/// </summary>
public sealed class ServiceBusSourceFenceTests
{
    [Fact]
    public async Task RunAsync_WithoutSessions_StartsProcessorOnlyAfterLockDurationPlusMargin()
    {
        await using var harness = new SourceHarness(o => o.EntityLockDuration = TimeSpan.FromSeconds(30), passStartFence: false);

        LogEntry fenced = await harness.Logger.NextAsync(3106);
        harness.Time.Advance(TimeSpan.FromSeconds(35) - TimeSpan.FromTicks(1));

        Assert.Equal(0, harness.Client.ProcessorsCreated);
        Assert.False(harness.Client.Processor.Lifecycle.Started.Task.IsCompleted);
        Assert.Equal(LogLevel.Information, fenced.Level);
        Assert.Contains("00:00:35", fenced.Message, StringComparison.Ordinal);
        Assert.Contains("IntakeStarted", fenced.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceBus:EntityLockDuration 00:00:30", fenced.Message, StringComparison.Ordinal);

        harness.Time.Advance(TimeSpan.FromTicks(1));
        await harness.StartedAsync();
        Assert.Equal(1, harness.Client.ProcessorsCreated);
    }

    [Fact]
    public async Task RunAsync_SecondIntakeSession_FencesAgainBeforeItsFirstReceive()
    {
        var client = new RecordingServiceBusClient();
        var time = new FakeTimeProvider();
        var logger = new ListLogger<ServiceBusSource>();
        var source = new ServiceBusSource(client, Microsoft.Extensions.Options.Options.Create(new ServiceBusSourceOptions { QueueName = "q" }), logger, time);
        TimeSpan fence = TimeSpan.FromMinutes(1) + IntakeFence.Margin;

        using (var first = new CancellationTokenSource())
        {
            Task run = source.RunAsync((_, _) => ValueTask.CompletedTask, first.Token);
            time.Advance(fence);
            await client.Processor.Lifecycle.Started.Task.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
            await first.CancelAsync();
            await run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        }

        // Intake starts again (a circuit closed): the first session's receiver may have left messages locked.
        using var second = new CancellationTokenSource();
        Task secondRun = source.RunAsync((_, _) => ValueTask.CompletedTask, second.Token);
        await logger.NextAsync(3106);
        await logger.NextAsync(3106);
        time.Advance(fence - TimeSpan.FromTicks(1));
        Assert.Equal(1, client.ProcessorsCreated);

        time.Advance(TimeSpan.FromTicks(1));
        await WhenAsync(() => client.ProcessorsCreated == 2 && client.Processor.Lifecycle.Started.Task.IsCompleted, client.Processor.Lifecycle.Started.Task);
        await second.CancelAsync();
        await secondRun.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RunAsync_CancelledDuringStartFence_ReturnsWithoutCreatingAProcessor()
    {
        await using var harness = new SourceHarness(passStartFence: false);
        await harness.Logger.NextAsync(3106);

        await harness.Stop.CancelAsync();

        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, harness.Client.ProcessorsCreated);
    }

    [Fact]
    public async Task RunAsync_SessionsEnabled_StartsAtOnceWithoutFence()
    {
        await using var harness = new SourceHarness(o => o.SessionsEnabled = true);

        await harness.StartedAsync();

        Assert.DoesNotContain(harness.Logger.Entries, e => e.EventId.Id == 3106);
    }

    [Fact]
    public async Task ErrorHandler_ReceiveErrorWithoutSessions_HoldsTheProcessorsReceiveLoopForTheFence()
    {
        await using var harness = new SourceHarness();
        await harness.StartedAsync();
        var error = new ServiceBusException("link detached", ServiceBusFailureReason.ServiceCommunicationProblem);

        // The SDK's receive loop awaits the error handler before it receives again.
        Task handled = harness.Client.Processor.RaiseErrorAsync(
            new ProcessErrorEventArgs(error, ServiceBusErrorSource.Receive, "example.servicebus.windows.net", "tag-events", CancellationToken.None));
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("ReceiveFailed", StringComparison.Ordinal));
        harness.Time.Advance(harness.FenceDuration - TimeSpan.FromTicks(1));
        Assert.False(handled.IsCompleted);

        harness.Time.Advance(TimeSpan.FromTicks(1));
        await handled.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.Single(harness.Logger.Entries, e => e.EventId.Id == 3103);
    }

    [Fact]
    public async Task ErrorHandler_ReceiveErrorWhileStopping_FenceEndsWithTheStop()
    {
        await using var harness = new SourceHarness();
        await harness.StartedAsync();
        Task handled = harness.Client.Processor.RaiseErrorAsync(
            new ProcessErrorEventArgs(new ServiceBusException("link detached", ServiceBusFailureReason.ServiceCommunicationProblem), ServiceBusErrorSource.Receive, "ns", "tag-events", CancellationToken.None));
        await harness.Logger.NextAsync(3106, e => e.Message.Contains("ReceiveFailed", StringComparison.Ordinal));

        await harness.Stop.CancelAsync();

        await handled.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        await harness.Run.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ErrorHandler_ReceiveErrorWithSessions_NoFence()
    {
        await using var harness = new SourceHarness(o => o.SessionsEnabled = true);
        await harness.StartedAsync();

        await harness.Client.SessionProcessor.RaiseErrorAsync(
            new ProcessErrorEventArgs(new ServiceBusException("link detached", ServiceBusFailureReason.ServiceCommunicationProblem), ServiceBusErrorSource.Receive, "ns", "tag-events", CancellationToken.None))
            .WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(harness.Logger.Entries, e => e.EventId.Id == 3106);
    }

    /// <summary>Waits for <paramref name="signal"/>, then checks <paramref name="condition"/>.</summary>
    private static async Task WhenAsync(Func<bool> condition, Task signal)
    {
        await signal.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.True(condition());
    }
}
