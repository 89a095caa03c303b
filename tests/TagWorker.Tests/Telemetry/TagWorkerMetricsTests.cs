using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;
using TagWorker.Settlement;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

public sealed class TagWorkerMetricsTests
{
    private static readonly MessagingDestination Queue = new(MessagingAttributes.ServiceBusSystem, "tag-events", null);

    [Fact]
    public void MessageReceived_CountsConsumedMessagesWithTheConventionsAttributes()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, new MessagingDestination(MessagingAttributes.ServiceBusSystem, "tag-topic", "worker"));

        metrics.MessageReceived();
        metrics.MessageReceived();

        var consumed = recorder.Of("messaging.client.consumed.messages");
        Assert.Equal(2, consumed.Count);
        Assert.All(consumed, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal("servicebus", m.Attributes["messaging.system"]);
            Assert.Equal("tag-topic", m.Attributes["messaging.destination.name"]);
            Assert.Equal("worker", m.Attributes["messaging.destination.subscription.name"]);
            Assert.Equal("receive", m.Attributes["messaging.operation.name"]);
        });
        Assert.Equal(2, metrics.MessagesReceived);
    }

    [Fact]
    public void MessageSettled_DeadLettered_CountsTheDeadLetterByReason()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.MessageSettled(SettlementOutcomes.DeadLettered, DeadLetterReasons.InvalidEvent);
        metrics.MessageSettled(SettlementOutcomes.Completed, null);

        var settled = recorder.Of("tagworker.messages.settled");
        Assert.Equal(["dead_lettered", "completed"], settled.Select(m => m.Attributes["tagworker.settlement.outcome"]));
        var deadLetter = Assert.Single(recorder.Of("tagworker.messages.dead_lettered"));
        Assert.Equal("InvalidEvent", deadLetter.Attributes["tagworker.dead_letter.reason"]);
        Assert.Equal(1, metrics.Settled(SettlementOutcomes.DeadLettered));
        Assert.Equal(1, metrics.Settled(SettlementOutcomes.Completed));
    }

    [Fact]
    public void MessageSettled_WithProcessingTime_RecordsProcessDurationWithErrorTypeOnlyWhenNotCompleted()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.MessageSettled(SettlementOutcomes.Completed, null, TimeSpan.FromMilliseconds(250));
        metrics.MessageSettled(SettlementOutcomes.DeadLettered, DeadLetterReasons.Rejected, TimeSpan.FromSeconds(2));
        metrics.MessageSettled(SettlementOutcomes.Abandoned, null, TimeSpan.FromSeconds(1));

        var durations = recorder.Of("messaging.process.duration");
        Assert.Equal([0.25, 2, 1], durations.Select(m => m.Value));
        Assert.All(durations, m => Assert.Equal("process", m.Attributes["messaging.operation.name"]));
        Assert.False(durations[0].Attributes.ContainsKey("error.type"));
        Assert.Equal("Rejected", durations[1].Attributes["error.type"]);
        Assert.Equal("abandoned", durations[2].Attributes["error.type"]);
        Assert.Equal(3, recorder.Of("tagworker.messages.settled").Count);
    }

    [Theory]
    [InlineData(MessagingAttributes.Operations.Complete)]
    [InlineData(MessagingAttributes.Operations.Abandon)]
    [InlineData(MessagingAttributes.Operations.DeadLetter)]
    public void SettleOperationCompleted_RecordsOperationDurationAsASettleOperation(string operation)
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.SettleOperationCompleted(operation, TimeSpan.FromMilliseconds(20));
        metrics.SettleOperationCompleted(operation, TimeSpan.FromMilliseconds(30), new TimeoutException());

        var durations = recorder.Of("messaging.client.operation.duration");
        Assert.Equal([0.02, 0.03], durations.Select(m => m.Value));
        Assert.All(durations, m =>
        {
            Assert.Equal(operation, m.Attributes["messaging.operation.name"]);
            Assert.Equal("settle", m.Attributes["messaging.operation.type"]);
            Assert.Equal("tag-events", m.Attributes["messaging.destination.name"]);
        });
        Assert.False(durations[0].Attributes.ContainsKey("error.type"));
        Assert.Equal("System.TimeoutException", durations[1].Attributes["error.type"]);
    }

    [Fact]
    public void CallCompleted_CountsByEndpointAndOutcomeAndRecordsUsersPerCall()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.CallCompleted(ImCommand.AddTag, ImOutcomeKind.Success, 100);
        metrics.CallCompleted(ImCommand.RemoveAllTags, ImOutcomeKind.RateLimited, 7);

        var calls = recorder.Of("tagworker.im.calls");
        Assert.Equal(["im_add_tag", "im_remove_all_tags"], calls.Select(m => m.Attributes["tagworker.im.endpoint"]));
        Assert.Equal(["success", "rate_limited"], calls.Select(m => m.Attributes["tagworker.im.outcome"]));
        Assert.Equal([100, 7], recorder.Of("tagworker.im.call.users").Select(m => m.Value));
        Assert.Equal(1, metrics.SuccessfulCalls(ImCommand.AddTag));
        Assert.Equal(100, metrics.UsersApplied(ImCommand.AddTag));
        Assert.Equal(0, metrics.UsersApplied(ImCommand.RemoveAllTags));
        Assert.Equal(1, metrics.Calls(ImCommand.RemoveAllTags));
    }

    [Fact]
    public void RetryAndFrequencyLimit_WithACommand_CarryTheEndpointAndStillCountTotals()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.RetryScheduled(ImCommand.RemoveTag);
        metrics.RetryScheduled();
        metrics.FrequencyLimitAnswered(ImCommand.AddTag);
        metrics.FrequencyLimitAnswered();

        var retries = recorder.Of("tagworker.im.retries");
        Assert.Equal("im_remove_tag", retries[0].Attributes["tagworker.im.endpoint"]);
        Assert.Empty(retries[1].Attributes);
        Assert.Equal("im_add_tag", recorder.Of("tagworker.im.frequency_limited")[0].Attributes["tagworker.im.endpoint"]);
        Assert.Equal(2, metrics.Retries);
        Assert.Equal(2, metrics.FrequencyLimited);
    }

    [Fact]
    public void RequestFormed_CarriesEndpointAndTrigger()
    {
        using var recorder = new MeterRecorder();
        var metrics = new TagWorkerMetrics(recorder.Factory, Queue);

        metrics.RequestFormed(ImCommand.AddTag, RequestTriggers.Delay);

        var formed = Assert.Single(recorder.Of("tagworker.requests.formed"));
        Assert.Equal("im_add_tag", formed.Attributes["tagworker.im.endpoint"]);
        Assert.Equal("delay", formed.Attributes["tagworker.request.trigger"]);
        Assert.Equal(1, metrics.RequestsFormed(ImCommand.AddTag, RequestTriggers.Delay));
    }

    [Fact]
    public void Instruments_TheMeterPublishesExactlyTheCatalogWithItsUnitsAndKinds()
    {
        using var recorder = new MeterRecorder();
        _ = new TagWorkerMetrics(recorder.Factory, Queue);
        _ = new PipelineStatistics(recorder.Factory, new FakeTimeProvider());
        _ = new RateBudgetGauge(recorder.Factory, Options.Create(new ImApiOptions()));

        Assert.Equal(TagWorkerInstruments.All.Select(i => i.Name).Order(), recorder.Instruments.Keys.Order());
        Assert.All(TagWorkerInstruments.All, expected =>
        {
            var instrument = recorder.Instruments[expected.Name];
            Assert.Equal(expected.Unit, instrument.Unit);
            Assert.Equal(expected.Description, instrument.Description);
            Assert.Equal(TagWorkerMetrics.MeterName, instrument.Meter.Name);
            var kind = instrument.GetType().GetGenericTypeDefinition();
            Assert.Equal(
                expected.Kind switch
                {
                    InstrumentKind.Counter => typeof(Counter<>),
                    InstrumentKind.Histogram => typeof(Histogram<>),
                    _ => typeof(ObservableGauge<>),
                },
                kind);
        });
    }

    [Fact]
    public void RateBudgetGauge_ReportsTheConfiguredBudgetForEveryEndpoint()
    {
        using var recorder = new MeterRecorder();
        _ = new RateBudgetGauge(recorder.Factory, Options.Create(new ImApiOptions { RequestsPerSecond = 45 }));

        recorder.Observe();

        var limits = recorder.Of("tagworker.im.rate_limit");
        Assert.Equal(Enum.GetValues<ImCommand>().Select(ImCommandPaths.ToSegment).Order(), limits.Select(m => (string)m.Attributes["tagworker.im.endpoint"]!).Order());
        Assert.All(limits, m => Assert.Equal(45, m.Value));
    }
}
