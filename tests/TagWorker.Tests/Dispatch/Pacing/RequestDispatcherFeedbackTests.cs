using Microsoft.Extensions.DependencyInjection;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Dispatch.Pacing;

public sealed class RequestDispatcherFeedbackTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static TagRequest AddRequest(int users) =>
        new(ImCommand.AddTag, [.. Enumerable.Range(0, users).Select(i => new UserTags($"u{i}", ["vip"]))]);

    [Fact]
    public async Task DispatchAsync_FrequencyLimitedTwiceThenSuccess_ReportsEachAnswerWithItsOwnCall()
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, n) => n < 2 ? FakeImApi.Code(ImErrorCodes.RestFrequencyExceeded) : null;
        var limiter = Limiter(harness);

        await harness.Dispatcher.DispatchAsync(AddRequest(2), Ct);

        Assert.Equal([1L, 2L], limiter.FrequencyLimited.Select(call => call.DepartedAt));
        Assert.Equal(3L, Assert.Single(limiter.Succeeded).DepartedAt);
        Assert.All(limiter.FrequencyLimited.Concat(limiter.Succeeded), call => Assert.Equal(ImCommand.AddTag, call.Command));
    }

    [Theory]
    [InlineData(ImErrorCodes.InternalError)]
    [InlineData(ImErrorCodes.UserSigExpired)]
    public async Task DispatchAsync_OtherFailuresThenSuccess_ReportOnlyTheSuccess(int code)
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, n) => n == 0 ? FakeImApi.Code(code) : null;
        var limiter = Limiter(harness);

        await harness.Dispatcher.DispatchAsync(AddRequest(1), Ct);

        Assert.Empty(limiter.FrequencyLimited);
        Assert.Single(limiter.Succeeded);
    }

    [Theory]
    [InlineData(60011)]
    [InlineData(60018)]
    [InlineData(60019)]
    [InlineData(70050)]
    public async Task DispatchAsync_EveryFrequencyLimitCode_ReportsAFrequencyLimit(int code)
    {
        await using var harness = new PipelineHarness();
        harness.Api.Script = (_, n) => n == 0 ? FakeImApi.Code(code) : null;
        var limiter = Limiter(harness);

        await harness.Dispatcher.DispatchAsync(AddRequest(1), Ct);

        Assert.Single(limiter.FrequencyLimited);
    }

    private static UnlimitedRateLimiter Limiter(PipelineHarness harness) =>
        (UnlimitedRateLimiter)harness.Services.GetRequiredService<IEndpointRateLimiter>();
}
