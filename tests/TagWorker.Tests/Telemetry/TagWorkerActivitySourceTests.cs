using System.Diagnostics;
using TagWorker.ImApi;
using TagWorker.Settlement;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

public sealed class TagWorkerActivitySourceTests
{
    private const string PublisherTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string PublisherSpanId = "b7ad6b7169203331";
    private static readonly MessagingDestination Queue = new(MessagingAttributes.ServiceBusSystem, "tag-events", null);

    [Fact]
    public void StartImCall_TagsEndpointUsersAndAttempt_AndIsCurrentSoTheHttpSpanNestsUnderIt()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);

        using (var call = source.StartImCall(ImCommand.AddTag, userCount: 100, attempt: 2))
        {
            Assert.NotNull(call);
            Assert.Same(call, Activity.Current);
            call.SetOutcome(ImOutcomeKind.Success, 0);
        }

        var span = Assert.Single(recorder.Stopped);
        Assert.Equal("im_add_tag", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("im_add_tag", span.GetTagItem("tagworker.im.endpoint"));
        Assert.Equal(100, span.GetTagItem("tagworker.im.users"));
        Assert.Equal(2, span.GetTagItem("tagworker.im.attempt"));
        Assert.Equal("success", span.GetTagItem("tagworker.im.outcome"));
        Assert.Equal(0, span.GetTagItem("tagworker.im.error_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
    }

    [Fact]
    public void SetOutcome_AFailure_SetsTheErrorStatusTypeAndCode()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);

        using (var call = source.StartImCall(ImCommand.RemoveTag, 3, 1))
        {
            call.SetOutcome(ImOutcomeKind.RateLimited, ImErrorCodes.RestFrequencyExceeded);
        }

        var span = Assert.Single(recorder.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("rate_limited", span.GetTagItem("error.type"));
        Assert.Equal(ImErrorCodes.RestFrequencyExceeded, span.GetTagItem("tagworker.im.error_code"));
        Assert.Contains(ImErrorCodes.RestFrequencyExceeded.ToString(System.Globalization.CultureInfo.InvariantCulture), span.StatusDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void StartImCall_UnderAnotherSpan_IsARootWithTheGivenLinks()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);
        using var outer = new Activity("outer").Start();
        var message = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        using (var call = source.StartImCall(ImCommand.AddTag, 1, 1, [new ActivityLink(message)]))
        {
            Assert.NotNull(call);
            Assert.Null(call.Parent);
            Assert.Equal(default, call.ParentSpanId);
            Assert.NotEqual(outer.TraceId, call.TraceId);
            Assert.Equal(message, Assert.Single(call.Links).Context);
        }
    }

    [Fact]
    public void StartMessage_LinksThePublishersContextFromTheDiagnosticId()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);

        var message = source.StartMessage("m-1", $"00-{PublisherTraceId}-{PublisherSpanId}-01", sessionId: "17");

        Assert.NotNull(message);
        Assert.Null(Activity.Current);
        Assert.Equal("process tag-events", message.DisplayName);
        Assert.Equal(ActivityKind.Consumer, message.Kind);
        Assert.Equal("servicebus", message.GetTagItem("messaging.system"));
        Assert.Equal("tag-events", message.GetTagItem("messaging.destination.name"));
        Assert.Equal("process", message.GetTagItem("messaging.operation.name"));
        Assert.Equal("process", message.GetTagItem("messaging.operation.type"));
        Assert.Equal("m-1", message.GetTagItem("messaging.message.id"));
        Assert.Equal("17", message.GetTagItem("tagworker.message.session_id"));
        var link = Assert.Single(message.Links);
        Assert.Equal(PublisherTraceId, link.Context.TraceId.ToHexString());
        Assert.Equal(PublisherSpanId, link.Context.SpanId.ToHexString());
        Assert.True(link.Context.IsRemote);
        Assert.NotEqual(link.Context.TraceId, message.TraceId);
        message.EndWithSettlement(SettlementOutcomes.Completed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("|a1b2c3.1.")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    public void StartMessage_NoUsableDiagnosticId_HasNoLink(string? diagnosticId)
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);

        var message = source.StartMessage("m-2", diagnosticId);

        Assert.NotNull(message);
        Assert.Empty(message.Links);
        message.EndWithSettlement(SettlementOutcomes.Completed);
    }

    [Fact]
    public void EndWithSettlement_DeadLettered_StopsWithErrorReasonAndDisposition_AndKeepsTheCurrentSpan()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);
        var message = source.StartMessage("m-3", null);
        using var current = new Activity("settler").Start();

        message.EndWithSettlement(SettlementOutcomes.DeadLettered, DeadLetterReasons.Rejected);

        Assert.Same(current, Activity.Current);
        var span = Assert.Single(recorder.Stopped);
        Assert.Same(message, span);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("dead_lettered", span.GetTagItem("tagworker.settlement.outcome"));
        Assert.Equal("Rejected", span.GetTagItem("tagworker.dead_letter.reason"));
        Assert.Equal("Rejected", span.GetTagItem("error.type"));
        Assert.Equal("dead_letter", span.GetTagItem("messaging.servicebus.disposition_status"));
    }

    [Fact]
    public void EndWithSettlement_Abandoned_IsNotAnError()
    {
        using var source = new TagWorkerActivitySource(Queue);
        using var recorder = new ActivityRecorder(source.Source);

        source.StartMessage("m-4", null).EndWithSettlement(SettlementOutcomes.Abandoned);

        var span = Assert.Single(recorder.Stopped);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("abandon", span.GetTagItem("messaging.servicebus.disposition_status"));
    }

    [Fact]
    public void EndWithSettlement_LocalQueue_HasNoServiceBusDisposition()
    {
        using var source = new TagWorkerActivitySource(new MessagingDestination(MessagingAttributes.LocalQueueSystem, "q.db", null));
        using var recorder = new ActivityRecorder(source.Source);

        source.StartMessage("m-5", null).EndWithSettlement(SettlementOutcomes.Completed);

        var span = Assert.Single(recorder.Stopped);
        Assert.Equal("tagworker.local_queue", span.GetTagItem("messaging.system"));
        Assert.Null(span.GetTagItem("messaging.servicebus.disposition_status"));
        Assert.Equal("completed", span.GetTagItem("tagworker.settlement.outcome"));
    }

    [Fact]
    public void Endings_WithoutASpan_DoNothing()
    {
        // What the start methods return when nothing listens (they check ActivitySource.HasListeners; other tests'
        // tracer providers listen to the same source name, so that case is not set up here).
        Activity? call = null;
        Activity? message = null;

        call.SetOutcome(ImOutcomeKind.Retryable, 502);
        message.EndWithSettlement(SettlementOutcomes.DeadLettered, DeadLetterReasons.Rejected);

        Assert.Null(Activity.Current);
    }
}
