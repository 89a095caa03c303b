using Microsoft.Extensions.Options;
using TagWorker.ImSimulator;

namespace TagWorker.EndToEnd.Tests;

public sealed class StartupValidationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("ImApi:RequestsPerSecond", "500", "ImApi:RequestsPerSecond")]
    [InlineData("Retry:MaxAttempts", "0", "Retry:MaxAttempts")]
    [InlineData("Retry:MaxDelay", "00:00:00.001", "Retry:MaxDelay")]
    [InlineData("Circuit:ProbeInterval", "02:00:00", "Circuit:ProbeInterval")]
    [InlineData("LocalQueue:MaxDeliveryCount", "0", "LocalQueue:MaxDeliveryCount")]
    [InlineData("Batching:MaxUsersPerRequest", "101", "MaxUsersPerRequest")]
    public async Task StartAsync_BadSetting_FailsNamingTheKey(string key, string value, string named)
    {
        await using var run = await WorkerRun.StartAsync(new FaultOptions(), Ct);
        using var worker = run.BuildWorker(new() { [key] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => worker.StartAsync(Ct));

        Assert.Contains(named, string.Join(" ", failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownSource_FailsNamingTheKey()
    {
        await using var run = await WorkerRun.StartAsync(new FaultOptions(), Ct);
        using var worker = run.BuildWorker(new() { ["Source"] = "Kafka" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => worker.StartAsync(Ct));

        Assert.Contains("Source", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ServiceBusWithoutEntity_FailsNamingTheKey()
    {
        await using var run = await WorkerRun.StartAsync(new FaultOptions(), Ct);
        using var worker = run.BuildWorker(new() { ["Source"] = "ServiceBus", ["ServiceBus:ConnectionString"] = "Endpoint=sb://example.invalid/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0" });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => worker.StartAsync(Ct));

        var text = string.Join(" ", failure.Failures);
        Assert.Contains("ServiceBus:QueueName", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", text, StringComparison.Ordinal);
    }
}
