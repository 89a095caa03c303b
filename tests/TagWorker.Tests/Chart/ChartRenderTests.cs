using System.Text.Json;

namespace TagWorker.Tests.Chart;

/// <summary>
/// <c>helm template</c> of each values file, every manifest validated against the Kubernetes, KEDA and Prometheus
/// Operator schemas (and name/label limits), then checked for what the values promise.
/// </summary>
public sealed class ChartRenderTests(ChartTools tools) : IClassFixture<ChartTools>
{
    private static string Values(string name) => ChartTools.ValuesFile(name);

    [Fact]
    public void Minimal_DefaultsToOneSessionConsumerWithALocalBudget()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("minimal-values.yaml"));

        Assert.Equal(["ConfigMap", "PodDisruptionBudget", "ServiceAccount", "StatefulSet"], chart.Kinds.Order());
        var statefulSet = chart.Only("StatefulSet");
        Assert.Equal("tagworker", statefulSet.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(1, statefulSet.GetProperty("spec").GetProperty("replicas").GetInt32());
        var settings = chart.Settings;
        Assert.Equal("true", settings["ServiceBus__SessionsEnabled"]);
        Assert.Equal("Local", settings["RateLimit__Mode"]);
        Assert.Equal("1", settings["RateLimit__Replicas"]);
        Assert.False(settings.ContainsKey("RateLimit__Redis__KeyPrefix"));
        Assert.Equal("json", settings["Logging__Format"]);
        Assert.Equal("tagworker", settings["OTEL_SERVICE_NAME"]);
        Assert.Equal("false", settings["Telemetry__Prometheus__Enabled"]);
        Assert.False(settings.ContainsKey("ImApi__RequestsPerSecond"));
        Assert.Equal("metadata.name", chart.Env["POD_NAME"].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("metadata.namespace", chart.Env["POD_NAMESPACE"].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.False(chart.Env.ContainsKey("RateLimit__Redis__ConnectionString"));
        Assert.Equal(1, chart.Only("PodDisruptionBudget").GetProperty("spec").GetProperty("maxUnavailable").GetInt32());
    }

    [Fact]
    public void Sessions3Replicas_RendersTheOrderingSettingsAndAZeroDisruptionBudget()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("sessions-3-replicas-values.yaml"));

        Assert.Equal(3, chart.Only("StatefulSet").GetProperty("spec").GetProperty("replicas").GetInt32());
        var settings = chart.Settings;
        Assert.Equal("30", settings["ImApi__RequestsPerSecond"]);
        Assert.Equal("64", settings["ServiceBus__PartitionCount"]);
        Assert.Equal("00:01:00", settings["ServiceBus__EntityLockDuration"]);
        Assert.Equal("10", settings["ServiceBus__MaxDeliveryCount"]);
        Assert.Equal("32", settings["ServiceBus__MaxConcurrentSessions"]);
        Assert.Equal("5000", settings["Pipeline__MaxHeldMessages"]);
        Assert.Equal("00:00:02", settings["Batching__MaxBacklogHold"]);
        // 0 means "no voluntary evictions", not "the default".
        Assert.Equal(0, chart.Only("PodDisruptionBudget").GetProperty("spec").GetProperty("maxUnavailable").GetInt32());
    }

    [Fact]
    public void KedaWorkloadIdentity_ScalesWithFallbackAndBehavior()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("keda-workload-identity-values.yaml"));

        Assert.False(chart.Only("StatefulSet").GetProperty("spec").TryGetProperty("replicas", out _));
        var scaled = chart.Only("ScaledObject").GetProperty("spec");
        Assert.Equal("tagworker", scaled.GetProperty("scaleTargetRef").GetProperty("name").GetString());
        Assert.Equal(2, scaled.GetProperty("maxReplicaCount").GetInt32());
        // The share a replica falls back to without Redis is sized for the most replicas KEDA may run.
        Assert.Equal("2", chart.Settings["RateLimit__Replicas"]);
        Assert.Equal(5, scaled.GetProperty("fallback").GetProperty("failureThreshold").GetInt32());
        Assert.Equal(1, scaled.GetProperty("fallback").GetProperty("replicas").GetInt32());
        var behavior = scaled.GetProperty("advanced").GetProperty("horizontalPodAutoscalerConfig").GetProperty("behavior");
        Assert.Equal(300, behavior.GetProperty("scaleDown").GetProperty("stabilizationWindowSeconds").GetInt32());
        Assert.Equal(1, behavior.GetProperty("scaleUp").GetProperty("policies")[0].GetProperty("value").GetInt32());
        var trigger = scaled.GetProperty("triggers")[0];
        Assert.Equal("azure-servicebus", trigger.GetProperty("type").GetString());
        Assert.Equal("tagbus", trigger.GetProperty("metadata").GetProperty("namespace").GetString());
        var identity = chart.Only("TriggerAuthentication").GetProperty("spec").GetProperty("podIdentity");
        Assert.Equal("azure-workload", identity.GetProperty("provider").GetString());
        Assert.Equal("00000000-0000-0000-0000-000000000004", identity.GetProperty("identityId").GetString());
        var podLabels = chart.Only("StatefulSet").GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels");
        Assert.Equal("true", podLabels.GetProperty("azure.workload.identity/use").GetString());
        var annotations = chart.Only("ServiceAccount").GetProperty("metadata").GetProperty("annotations");
        Assert.Equal("00000000-0000-0000-0000-000000000003", annotations.GetProperty("azure.workload.identity/client-id").GetString());
        Assert.Equal("http://otel-collector.monitoring:4317", chart.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void TopicConnectionString_ReadsTheSubscriptionWithTheSecret()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("topic-connection-string-values.yaml"));

        var settings = chart.Settings;
        Assert.Equal("tag-events", settings["ServiceBus__TopicName"]);
        Assert.Equal("tagworker", settings["ServiceBus__SubscriptionName"]);
        Assert.Equal("false", settings["ServiceBus__SessionsEnabled"]);
        Assert.Equal("0", settings["ServiceBus__PrefetchCount"]);
        Assert.Equal("Debug", settings["Serilog__MinimumLevel__Override__TagWorker.Dispatch"]);
        Assert.False(settings.ContainsKey("ServiceBus__FullyQualifiedNamespace"));
        Assert.False(settings.ContainsKey("ServiceBus__ConnectionString"));
        AssertSecret(chart.Env["ServiceBus__ConnectionString"], "tagworker-servicebus", "listen");
        AssertSecret(chart.Env["ImApi__SecretKey"], "tagworker-im", "key");
        Assert.Equal(1, chart.Only("StatefulSet").GetProperty("spec").GetProperty("replicas").GetInt32());
    }

    [Fact]
    public void RedisServiceMonitor_AllowsMoreThanTheLocalBudgetAndScrapesEveryReplica()
    {
        // 4 replicas x the default 98 calls/s would be refused with a local budget.
        var chart = tools.RenderValid("tagworker", "-f", Values("redis-servicemonitor-values.yaml"));

        Assert.Equal(4, chart.Only("StatefulSet").GetProperty("spec").GetProperty("replicas").GetInt32());
        Assert.Equal("Redis", chart.Settings["RateLimit__Mode"]);
        // Without Redis each replica falls back to requestsPerSecond / 4, so the four stay within the limit together.
        Assert.Equal("4", chart.Settings["RateLimit__Replicas"]);
        Assert.Equal("tagworker:rate:prod", chart.Settings["RateLimit__Redis__KeyPrefix"]);
        Assert.Equal("00:00:00.250", chart.Settings["RateLimit__Redis__OperationTimeout"]);
        Assert.Equal("00:00:02", chart.Settings["RateLimit__Redis__ReconnectInterval"]);
        Assert.Equal("true", chart.Settings["Telemetry__Prometheus__Enabled"]);
        AssertSecret(chart.Env["RateLimit__Redis__ConnectionString"], "tagworker-redis", "connectionString");
        var monitor = chart.Only("ServiceMonitor");
        Assert.Equal("kube-prometheus-stack", monitor.GetProperty("metadata").GetProperty("labels").GetProperty("release").GetString());
        var endpoint = monitor.GetProperty("spec").GetProperty("endpoints")[0];
        Assert.Equal("http", endpoint.GetProperty("port").GetString());
        Assert.Equal("/metrics", endpoint.GetProperty("path").GetString());
        var service = chart.Only("Service").GetProperty("spec");
        Assert.Equal("http", service.GetProperty("ports")[0].GetProperty("name").GetString());
        Assert.Equal(
            monitor.GetProperty("spec").GetProperty("selector").GetProperty("matchLabels").GetRawText(),
            service.GetProperty("selector").GetRawText());
        var annotations = chart.Only("StatefulSet").GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations");
        Assert.Equal("true", annotations.GetProperty("prometheus.io/scrape").GetString());
    }

    [Fact]
    public void LongReleaseName_KeepsTheStatefulSetAt52Characters()
    {
        // Helm allows release names of 53 characters; with "-tagworker" the full name would be 63.
        const string release = "payments-europe-west-production-primary-consumer-0001";
        Assert.Equal(53, release.Length);

        var chart = tools.RenderValid(release, "-f", Values("minimal-values.yaml"));

        var name = chart.Only("StatefulSet").GetProperty("metadata").GetProperty("name").GetString()!;
        Assert.Equal(52, name.Length);
        Assert.StartsWith("payments-europe-west-production-primary-consumer-000", name, StringComparison.Ordinal);
        Assert.Equal(name, chart.Only("StatefulSet").GetProperty("spec").GetProperty("serviceName").GetString());
    }

    [Fact]
    public void FullnameOverride_LongerThan52_IsCut()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("minimal-values.yaml"), "--set", "fullnameOverride=" + new string('w', 63));

        Assert.All(chart.Documents, d => Assert.Equal(new string('w', 52), d.GetProperty("metadata").GetProperty("name").GetString()));
    }

    [Fact]
    public void ExtraSettings_ForAnUnmodelledKey_PassThrough()
    {
        var chart = tools.RenderValid("tagworker", "-f", Values("minimal-values.yaml"), "--set", "extraSettings.Circuit__SomethingNew=5");

        Assert.Equal("5", chart.Settings["Circuit__SomethingNew"]);
    }

    private static void AssertSecret(JsonElement env, string secret, string key)
    {
        var reference = env.GetProperty("valueFrom").GetProperty("secretKeyRef");
        Assert.Equal(secret, reference.GetProperty("name").GetString());
        Assert.Equal(key, reference.GetProperty("key").GetString());
    }
}
