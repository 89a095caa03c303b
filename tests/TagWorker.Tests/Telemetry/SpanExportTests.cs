using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using TagWorker.ImApi;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

/// <summary>Spans as the configured tracer provider exports them: the worker's, the HTTP client's and the Azure SDK's.</summary>
public sealed class SpanExportTests
{
    private const string UserSig = "eJwtjEsOgjAUAO-SEADMPLE-SIGNATURE";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImCall_TheHttpSpanNestsUnderIt_AndTheUserSigIsNotExported()
    {
        var exported = new LockedCollection<Activity>();
        // The in-memory exporter is not one the worker knows of from its settings: turn its spans on explicitly.
        await using var app = await LoopbackApp.StartAsync(
            new Dictionary<string, string?> { ["Telemetry:WorkerSpans"] = "true" },
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)),
            web => web.MapPost("/v4/all_member_push/im_add_tag", () => Results.Text("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}""", "application/json")));
        var source = app.Services.GetRequiredService<TagWorkerActivitySource>();

        ActivityContext call;
        using (var activity = source.StartImCall(ImCommand.AddTag, 2, 1))
        {
            Assert.NotNull(activity);
            call = activity.Context;
            using var response = await app.Http.PostAsync($"v4/all_member_push/im_add_tag?sdkappid=1400000000&identifier=admin&usersig={UserSig}&random=7&contenttype=json", new StringContent("{}"), Ct);
            response.EnsureSuccessStatusCode();
            activity.SetOutcome(ImOutcomeKind.Success, 0);
        }

        var spans = exported.Where(a => a.TraceId == call.TraceId).ToList();
        var http = Assert.Single(spans, a => a.Kind == ActivityKind.Client && a.Source.Name != TagWorkerActivitySource.Name);
        Assert.Equal(call.SpanId, http.ParentSpanId);
        Assert.Contains(spans, a => a.SpanId == call.SpanId && a.DisplayName == "im_add_tag");
        Assert.All(spans, a =>
        {
            Assert.DoesNotContain(UserSig, a.DisplayName, StringComparison.Ordinal);
            Assert.All(a.TagObjects, t => Assert.DoesNotContain(UserSig, t.Value?.ToString() ?? string.Empty, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task ServiceBusSend_TheAzureSdksSpanIsExported()
    {
        var exported = new LockedCollection<Activity>();
        var builder = TelemetryHost.Builder();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported));
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();
        var queue = $"q-{Guid.NewGuid():N}";

        // Nothing listens on the loopback AMQP port, so the send fails at once; its span records the attempt.
        await using var client = new ServiceBusClient(
            "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==",
            new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) } });
        await using var sender = client.CreateSender(queue);
        await Assert.ThrowsAnyAsync<Exception>(() => sender.SendMessageAsync(new ServiceBusMessage("{}"), Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct));

        var span = Assert.Single(exported, a => a.DisplayName == "ServiceBusSender.Send" && Equals(a.GetTagItem("messaging.destination.name"), queue));
        Assert.StartsWith("Azure.Messaging.ServiceBus", span.Source.Name, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }
}
