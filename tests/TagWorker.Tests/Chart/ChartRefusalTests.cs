namespace TagWorker.Tests.Chart;

/// <summary>
/// Values that would break the worker's guarantees are refused by <c>helm template</c> (and so by install and
/// upgrade) with a message naming the value. <c>lint</c> is no help here: it reports <c>fail</c> as INFO.
/// </summary>
public sealed class ChartRefusalTests(ChartTools tools) : IClassFixture<ChartTools>
{
    public static TheoryData<string, string[], string> BadValues() => new()
    {
        { "no values at all", [], "set serviceBus.fullyQualifiedNamespace (workload identity) or serviceBus.connectionString.existingSecret" },
        { "two replicas without sessions", ["--set", "serviceBus.sessionsEnabled=false", "--set", "replicaCount=2", "--set", "imApi.requestsPerSecond=45"], "needs serviceBus.sessionsEnabled=true" },
        { "KEDA without sessions", ["--set", "serviceBus.sessionsEnabled=false", "--set", "keda.enabled=true", "--set", "imApi.requestsPerSecond=45"], "needs serviceBus.sessionsEnabled=true" },
        { "two replicas at the default budget", ["--set", "replicaCount=2"], "Lower imApi.requestsPerSecond to at most 50" },
        { "KEDA up to three at 45 calls/s", ["--set", "keda.enabled=true", "--set", "keda.maxReplicaCount=3", "--set", "imApi.requestsPerSecond=45"], "3 replicas would send up to 135 calls/s" },
        { "the budget through extraSettings", ["--set", "extraSettings.ImApi__RequestsPerSecond=500"], "extraSettings.ImApi__RequestsPerSecond sets a setting the chart models" },
        { "the budget through extraSettings, another spelling", ["--set", "extraSettings.imapi__requestspersecond=500"], "extraSettings.imapi__requestspersecond sets a setting the chart models" },
        { "sessions through extraSettings", ["--set", "extraSettings.ServiceBus__SessionsEnabled=false"], "extraSettings.ServiceBus__SessionsEnabled sets a setting the chart models" },
        { "a secret through extraSettings", ["--set", "extraSettings.RateLimit__Redis__ConnectionString=redis:6379"], "extraSettings.RateLimit__Redis__ConnectionString sets a setting the chart models" },
        { "Redis without its secret", ["--set", "rateLimit.mode=Redis"], "rateLimit.mode=Redis needs rateLimit.redis.connectionString.existingSecret" },
        { "an unknown rate-limit mode", ["--set", "rateLimit.mode=Cluster"], "rateLimit.mode" },
        { "identity and connection string", ["--set", "serviceBus.connectionString.existingSecret=sb"], "not both" },
        { "a queue and a topic", ["--set", "serviceBus.topicName=t", "--set", "serviceBus.subscriptionName=s"], "set serviceBus.queueName, or serviceBus.topicName with serviceBus.subscriptionName, not both" },
        { "a region and a base URL", ["--set", "imApi.baseUrl=https://example.test"], "set one of imApi.region and imApi.baseUrl, not both" },
        { "no secret key", ["--set", "imApi.secretKey.existingSecret="], "imApi.secretKey.existingSecret is required" },
        { "a grace period shorter than the drain", ["--set", "terminationGracePeriodSeconds=30"], "terminationGracePeriodSeconds (30) must exceed shutdown.timeout (30 s)" },
        { "workload identity without a client id", ["--set", "workloadIdentity.clientId="], "workloadIdentity.enabled needs workloadIdentity.clientId" },
        { "KEDA minimum over maximum", ["--set", "keda.enabled=true", "--set", "keda.minReplicaCount=3", "--set", "keda.maxReplicaCount=2", "--set", "imApi.requestsPerSecond=45"], "keda.minReplicaCount must not exceed keda.maxReplicaCount" },
        { "KEDA fallback over the maximum", ["--set", "keda.enabled=true", "--set", "keda.fallback.replicas=3", "--set", "imApi.requestsPerSecond=45"], "keda.fallback.replicas (3) must not exceed keda.maxReplicaCount (2)" },
        { "a ServiceMonitor without the scrape endpoint", ["--set", "metrics.serviceMonitor.enabled=true"], "metrics.serviceMonitor.enabled needs metrics.prometheus.enabled=true" },
        { "a negative disruption budget", ["--set", "podDisruptionBudget.maxUnavailable=-1"], "podDisruptionBudget.maxUnavailable" },
        { "a replica count that is not a number", ["--set-string", "replicaCount=three"], "replicaCount" },
        { "metrics on the readiness path", ["--set", "metrics.prometheus.path=/readyz"], "metrics.prometheus.path" },
        { "an unknown value", ["--set", "imApi.requestsPerSecnd=10"], "requestsPerSecnd" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Template_BadValues_AreRefusedWithTheReason(string what, string[] arguments, string reason)
    {
        string[] values = arguments.Length == 0 ? [] : ["-f", ChartTools.ValuesFile("minimal-values.yaml"), .. arguments];

        var rendered = tools.Template("tagworker", values);

        Assert.True(rendered.ExitCode != 0, $"{what}: rendered although it should be refused");
        Assert.Contains(reason, rendered.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_MinimalValues_IsAccepted()
    {
        // The refusals above start from this file: it must render, or every refusal would pass for the wrong reason.
        var rendered = tools.Template("tagworker", "-f", ChartTools.ValuesFile("minimal-values.yaml"));

        Assert.True(rendered.ExitCode == 0, rendered.Stderr);
    }
}
