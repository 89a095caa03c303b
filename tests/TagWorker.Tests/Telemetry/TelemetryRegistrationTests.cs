using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TagWorker.Settlement;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

public sealed class TelemetryRegistrationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public void Resource_InAPod_NamesTheServiceVersionAndPod()
    {
        using var host = TelemetryHost.Builder(new Dictionary<string, string?>
        {
            ["POD_NAME"] = "tagworker-2",
            ["POD_NAMESPACE"] = "messaging",
        }).Build();

        var resource = Attributes(host);

        Assert.Equal("tagworker", resource["service.name"]);
        Assert.Equal("tagworker-2", resource["service.instance.id"]);
        Assert.Equal("tagworker-2", resource["k8s.pod.name"]);
        Assert.Equal("messaging", resource["k8s.namespace.name"]);
        Assert.Equal(
            typeof(TagWorkerMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion,
            resource["service.version"]);
    }

    [Fact]
    public void Resource_OutsideAPod_UsesMachineAndProcess_AndOtelServiceName()
    {
        using var host = TelemetryHost.Builder(new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "tagworker-eu" }).Build();

        var resource = Attributes(host);

        Assert.Equal("tagworker-eu", resource["service.name"]);
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", resource["service.instance.id"]);
        Assert.False(resource.ContainsKey("k8s.pod.name"));
    }

    [Theory]
    [InlineData("Telemetry:Prometheus:Path", "metrics", "Telemetry:Prometheus:Path must be a path starting with '/'")]
    [InlineData("Telemetry:Prometheus:Path", "/readyz", "Telemetry:Prometheus:Path must not be /readyz")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "otel-collector:4317", "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http", "OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf")]
    [InlineData("Logging:Format", "xml", "Logging:Format must be auto, json or text, not 'xml'")]
    [InlineData("Logging:Format", "1", "Logging:Format must be auto, json or text, not '1'")]
    public async Task Start_InvalidSetting_FailsNamingTheKey(string key, string value, string message)
    {
        using var host = TelemetryHost.Builder(new Dictionary<string, string?> { [key] = value }).Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_Defaults_AreValid()
    {
        using var host = TelemetryHost.Builder().Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        var options = host.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        Assert.False(options.ConsoleExporter);
        Assert.False(options.Prometheus.Enabled);
        Assert.Equal("/metrics", options.Prometheus.Path);
    }

    [Fact]
    public void NotABoolean_FailsAtRegistrationNamingTheKey()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TelemetryHost.Builder(new Dictionary<string, string?> { ["Telemetry:ConsoleExporter"] = "yes" }));

        Assert.Contains("Telemetry:ConsoleExporter", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_SetsTheAzureSdkSwitch()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_EXPERIMENTAL_ENABLE_ACTIVITY_SOURCE")), "precondition: the environment variable would decide instead");

        _ = TelemetryHost.Builder();

        Assert.True(AppContext.TryGetSwitch("Azure.Experimental.EnableActivitySource", out var enabled) && enabled);
    }

    [Fact]
    public void Services_ResolveAsSingletonsWithTheConfiguredDestination()
    {
        using var host = TelemetryHost.Builder(new Dictionary<string, string?>
        {
            ["Source"] = "ServiceBus",
            ["ServiceBus:TopicName"] = "tags",
            ["ServiceBus:SubscriptionName"] = "worker",
        }).Build();

        Assert.Equal(new MessagingDestination("servicebus", "tags", "worker"), host.Services.GetRequiredService<MessagingDestination>());
        Assert.Same(host.Services.GetRequiredService<TagWorkerMetrics>(), host.Services.GetRequiredService<TagWorkerMetrics>());
        Assert.Same(host.Services.GetRequiredService<PipelineStatistics>(), host.Services.GetRequiredService<PipelineStatistics>());
        Assert.Same(host.Services.GetRequiredService<TagWorkerActivitySource>(), host.Services.GetRequiredService<TagWorkerActivitySource>());
    }

    [Theory]
    [InlineData(null, "tagworker-queue.db")]
    [InlineData("/var/lib/tagworker/q1.db", "q1.db")]
    public void MessagingDestination_LocalQueue_IsTheFileName(string? path, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LocalQueue:Path"] = path })
            .Build();

        var destination = MessagingDestination.FromConfiguration(configuration);

        Assert.Equal(new MessagingDestination("tagworker.local_queue", expected, null), destination);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void WorkerSpans_WithoutAConfiguredTraceExporter_AreOnlyRecordedWhenAskedFor(string? setting, bool recorded)
    {
        var exported = new LockedCollection<System.Diagnostics.Activity>();
        var builder = TelemetryHost.Builder(new Dictionary<string, string?> { ["Telemetry:WorkerSpans"] = setting });
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported));
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();
        var source = host.Services.GetRequiredService<TagWorkerActivitySource>();
        var messageId = $"m-{Guid.NewGuid():N}";

        source.StartMessage(messageId, diagnosticId: null).EndWithSettlement(SettlementOutcomes.Completed);

        Assert.Equal(recorded, exported.Any(a => Equals(a.GetTagItem(MessagingAttributes.MessageId), messageId)));
    }

    [Fact]
    public void WorkerSpans_NotABoolean_FailsAtRegistrationNamingTheKey()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TelemetryHost.Builder(new Dictionary<string, string?> { ["Telemetry:WorkerSpans"] = "sometimes" }));

        Assert.Contains("Telemetry:WorkerSpans", failure.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Attributes(IHost host) =>
        host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
}
