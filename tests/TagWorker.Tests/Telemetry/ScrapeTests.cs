using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TagWorker.ImApi;
using TagWorker.Settlement;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

/// <summary>The Prometheus scrape endpoint, scraped over loopback as Prometheus would.</summary>
public sealed class ScrapeTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_Enabled_ServesEveryInstrumentUnderTheNamesTheDashboardUses()
    {
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            ["POD_NAME"] = "tagworker-1",
        });
        RecordEveryInstrument(app.Services);

        var text = await app.Http.GetStringAsync("/metrics", Ct);

        var families = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet();
        Assert.All(TagWorkerInstruments.All, i => Assert.Contains(PrometheusNaming.Family(i), families));
        Assert.Contains("tagworker_im_calls_total{", text, StringComparison.Ordinal);
        Assert.Contains("tagworker_im_endpoint=\"im_add_tag\"", text, StringComparison.Ordinal);
        Assert.Contains("messaging_process_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("service_instance_id=\"tagworker-1\"", text, StringComparison.Ordinal);
        // Runtime metrics come with them.
        Assert.Contains(families, f => f.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_AtAConfiguredPath_IsServedThereOnly()
    {
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            ["Telemetry:Prometheus:Path"] = "/internal/metrics",
        });

        using var served = await app.Http.GetAsync("/internal/metrics", Ct);
        using var notThere = await app.Http.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);
    }

    [Fact]
    public async Task Metrics_Disabled_IsNotServed()
    {
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?>());

        using var response = await app.Http.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void RecordEveryInstrument(IServiceProvider services)
    {
        var metrics = services.GetRequiredService<TagWorkerMetrics>();
        metrics.MessageReceived();
        metrics.MessageSettled(SettlementOutcomes.DeadLettered, DeadLetterReasons.InvalidEvent, TimeSpan.FromMilliseconds(5));
        metrics.SettleOperationCompleted(MessagingAttributes.Operations.DeadLetter, TimeSpan.FromMilliseconds(3));
        metrics.CallCompleted(ImCommand.AddTag, ImOutcomeKind.Success, 100);
        metrics.RetryScheduled(ImCommand.AddTag);
        metrics.FrequencyLimitAnswered(ImCommand.AddTag);
        metrics.RequestFormed(ImCommand.AddTag, RequestTriggers.Full);
        var statistics = services.GetRequiredService<PipelineStatistics>();
        statistics.HeldMessages = 3;
        statistics.PendingUsers = 2;
    }
}
