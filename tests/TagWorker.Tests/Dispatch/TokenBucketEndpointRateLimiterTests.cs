using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Tests.Dispatch;

public sealed class TokenBucketEndpointRateLimiterTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static TokenBucketEndpointRateLimiter Create(FakeTimeProvider time, double rate) =>
        new(Options.Create(new ImApiOptions { RequestsPerSecond = rate }), time);

    [Theory]
    [InlineData(10)]
    [InlineData(37.5)]
    [InlineData(90)]
    [InlineData(95)]
    [InlineData(99)]
    public void Create_AnyRateUnderTheVendorLimit_BurstPlusOneSecondOfRefillStaysWithinIt(double rate)
    {
        using var limiter = Create(new FakeTimeProvider(), rate);

        Assert.InRange(limiter.TokensPerPeriod + rate, rate + 1, 100);
        Assert.InRange(limiter.TokensPerPeriod / limiter.ReplenishmentPeriod.TotalSeconds, rate * 0.99999, rate);
        Assert.True(limiter.ReplenishmentPeriod <= TimeSpan.FromMilliseconds(100), "refill in small steps");
    }

    [Fact]
    public void Create_DefaultRate_RefillsTwoTokensEveryTwentyTwoMilliseconds()
    {
        using var limiter = Create(new FakeTimeProvider(), 90);

        Assert.Equal(2, limiter.TokensPerPeriod);
        Assert.Equal(22.22, limiter.ReplenishmentPeriod.TotalMilliseconds, precision: 2);
    }

    [Fact]
    public async Task WaitAsync_BurstSpent_NextCallWaitsForRefill()
    {
        using var limiter = Create(new FakeTimeProvider(), 90);
        for (var i = 0; i < limiter.TokensPerPeriod; i++)
        {
            await limiter.WaitAsync(ImCommand.AddTag, Ct);
        }

        var next = limiter.WaitAsync(ImCommand.AddTag, Ct).AsTask();

        Assert.False(next.IsCompleted);
        Assert.Equal(1, limiter.GetStatistics(ImCommand.AddTag)!.CurrentQueuedCount);
    }

    [Fact]
    public void WaitAsync_OneEndpointExhausted_OtherEndpointsStillHaveTheirOwnBudget()
    {
        using var limiter = Create(new FakeTimeProvider(), 90);
        var adds = Enumerable.Range(0, 50).Select(_ => limiter.WaitAsync(ImCommand.AddTag, Ct).AsTask()).ToArray();

        var remove = limiter.WaitAsync(ImCommand.RemoveTag, Ct).AsTask();

        Assert.True(remove.IsCompletedSuccessfully);
        Assert.Equal(limiter.TokensPerPeriod, limiter.GetStatistics(ImCommand.AddTag)!.TotalSuccessfulLeases);
        Assert.Contains(adds, a => !a.IsCompleted);
    }
}
