using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Dispatch;

public sealed class RequestDispatcherTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static TagRequest AddRequest(int users, string tag = "vip") =>
        new(ImCommand.AddTag, [.. Enumerable.Range(0, users).Select(i => new UserTags($"u{i}", [tag]))]);

    [Fact]
    public async Task DispatchAsync_Success_AppliesEveryUser()
    {
        await using var harness = new PipelineHarness();

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(3), Ct);

        Assert.All(outcomes, o => Assert.Equal(UserOutcomeKind.Applied, o.Kind));
        Assert.Equal(["u0", "u1", "u2"], outcomes.Select(o => o.Account));
        Assert.Single(harness.Api.Calls);
    }

    [Fact]
    public async Task DispatchAsync_RetryableThenSuccess_RetriesAndApplies()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, n) => n == 0 ? FakeImApi.Code(ImErrorCodes.InternalError) : null;

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(2), Ct);

        Assert.All(outcomes, o => Assert.Equal(UserOutcomeKind.Applied, o.Kind));
        Assert.Equal(2, harness.Api.Calls.Count);
        Assert.Equal(1, harness.Metrics.Retries);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1)]
    public async Task DispatchAsync_RetryableEveryTime_ReportsRetriesExhaustedAfterMaxAttempts(int attempts)
    {
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        harness.Api.Script = (_, _) => new ImCallResult(ImOutcomeKind.Retryable, 0, string.Empty, 502, "HTTP 502");

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(2), Ct);

        Assert.All(outcomes, o =>
        {
            Assert.Equal(UserOutcomeKind.RetriesExhausted, o.Kind);
            Assert.Equal("HTTP 502", o.ErrorInfo);
        });
        Assert.Equal(attempts, harness.Api.Calls.Count);
    }

    [Fact]
    public async Task DispatchAsync_FrequencyLimited_BacksOffWithoutSpendingAttempts()
    {
        await using var harness = new PipelineHarness(new() { ["Retry:MaxAttempts"] = "1" });
        harness.Api.Script = (_, n) => n < 5 ? FakeImApi.Code(ImErrorCodes.RestFrequencyExceeded) : null;

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(1), Ct);

        Assert.Equal(UserOutcomeKind.Applied, Assert.Single(outcomes).Kind);
        Assert.Equal(6, harness.Api.Calls.Count);
        Assert.Equal(5, harness.Metrics.FrequencyLimited);
        Assert.Equal(0, harness.Metrics.Retries);
    }

    [Fact]
    public async Task DispatchAsync_SignatureFaultOnce_RenewsAndApplies()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, n) => n == 0 ? FakeImApi.Code(ImErrorCodes.UserSigExpired) : null;

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(1), Ct);

        Assert.Equal(UserOutcomeKind.Applied, Assert.Single(outcomes).Kind);
        Assert.False(harness.Circuit.IsOpen);
    }

    [Fact]
    public async Task DispatchAsync_SignatureFaultAfterRenewal_OpensCircuitAndAbandons()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, _) => FakeImApi.Code(ImErrorCodes.UserSigExpired);

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(2), Ct);

        Assert.All(outcomes, o => Assert.Equal(UserOutcomeKind.Abandoned, o.Kind));
        Assert.True(harness.Circuit.IsOpen);
        Assert.Equal(2, harness.Api.Calls.Count);
    }

    [Fact]
    public async Task DispatchAsync_ConfigurationFault_OpensCircuitAndRefusesLaterCalls()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, _) => FakeImApi.Code(ImErrorCodes.AdministratorRequired);

        var first = await harness.Dispatcher.DispatchAsync(AddRequest(2), Ct);
        var second = await harness.Dispatcher.DispatchAsync(AddRequest(3), Ct);

        Assert.All(first.Concat(second), o => Assert.Equal(UserOutcomeKind.Abandoned, o.Kind));
        Assert.True(harness.Circuit.IsOpen);
        Assert.Contains("90009", harness.Circuit.Fault, StringComparison.Ordinal);
        Assert.Single(harness.Api.Calls);
        Assert.False(harness.Circuit.WhenClosed.IsCompleted);
    }

    [Fact]
    public async Task DispatchAsync_CircuitClosedAgain_SendsAgain()
    {
        await using var harness = new PipelineHarness();
        await harness.Circuit.OpenAsync("test", Ct);
        await harness.Circuit.CloseAsync(Ct);

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(1), Ct);

        Assert.Equal(UserOutcomeKind.Applied, Assert.Single(outcomes).Kind);
    }

    [Fact]
    public async Task DispatchAsync_OneRejectedUser_BisectsUntilOnlyThatUserFails()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (request, _) => request.Users.Any(u => u.Account == "u5")
            ? FakeImApi.Code(ImErrorCodes.TooManyTagsPerUser, "user u5 would exceed 100 tags")
            : null;

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(8), Ct);

        var failed = Assert.Single(outcomes, o => o.Kind == UserOutcomeKind.Failed);
        Assert.Equal("u5", failed.Account);
        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, failed.ErrorCode);
        Assert.Equal("user u5 would exceed 100 tags", failed.ErrorInfo);
        Assert.Equal(7, outcomes.Count(o => o.Kind == UserOutcomeKind.Applied));
        Assert.Equal(8, outcomes.Count);
        Assert.Equal(["vip"], harness.Api.Snapshot()["u0"]);
        Assert.False(harness.Api.Snapshot().ContainsKey("u5"));
    }

    [Fact]
    public async Task DispatchAsync_RequestTooLarge_SplitsIntoHalvesThatFit()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (request, _) => request.Users.Count > 30 ? FakeImApi.Code(ImErrorCodes.TooManyAccounts) : null;

        var outcomes = await harness.Dispatcher.DispatchAsync(AddRequest(100), Ct);

        Assert.All(outcomes, o => Assert.Equal(UserOutcomeKind.Applied, o.Kind));
        Assert.Equal(100, harness.Api.Snapshot().Count);
        Assert.All(harness.Api.Calls.Where(c => c.Users.Count <= 30), c => Assert.InRange(c.Users.Count, 25, 25));
    }

    [Fact]
    public async Task DispatchAsync_Cancelled_Throws()
    {
        await using var harness = new PipelineHarness();
        var hold = harness.Api.Hold("u0");
        using var cts = new CancellationTokenSource();

        var dispatch = harness.Dispatcher.DispatchAsync(AddRequest(1), cts.Token);
        await hold.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatch);
    }
}
