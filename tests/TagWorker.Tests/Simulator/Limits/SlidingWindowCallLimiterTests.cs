using Microsoft.Extensions.Time.Testing;
using TagWorker.ImSimulator.Limits;

namespace TagWorker.Tests.Simulator.Limits;

public sealed class SlidingWindowCallLimiterTests
{
    [Fact]
    public void TryAcquire_ConcurrentCallers_NeverAdmitMoreThanTheLimit()
    {
        var time = new FakeTimeProvider();
        var limiter = new SlidingWindowCallLimiter(50, TimeSpan.FromSeconds(1), time);
        var admitted = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (limiter.TryAcquire())
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(50, admitted);
        Assert.Equal(50, limiter.PeakCallsInWindow);
    }

    [Fact]
    public void Reset_ForgetsAdmittedCallsAndThePeak()
    {
        var limiter = new SlidingWindowCallLimiter(1, TimeSpan.FromSeconds(1), new FakeTimeProvider());
        limiter.TryAcquire();

        limiter.Reset();

        Assert.Equal(0, limiter.PeakCallsInWindow);
        Assert.True(limiter.TryAcquire());
    }
}
