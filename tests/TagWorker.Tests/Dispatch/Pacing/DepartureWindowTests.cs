using TagWorker.Dispatch.Pacing;

namespace TagWorker.Tests.Dispatch.Pacing;

public sealed class DepartureWindowTests
{
    private const long Window = 1_000;

    [Fact]
    public void EarliestDeparture_FewerThanTheLimitInTheWindow_IsNow()
    {
        var window = new DepartureWindow(10, Window);
        window.Record(0);
        window.Record(100);

        Assert.Equal(150, window.EarliestDeparture(150, limit: 3));
    }

    [Fact]
    public void EarliestDeparture_WindowFull_IsWhenTheLimitThLatestLeavesIt()
    {
        var window = new DepartureWindow(10, Window);
        foreach (var at in new long[] { 0, 100, 200, 300 })
        {
            window.Record(at);
        }

        // Three allowed in any window: the third latest (100) must be a whole window old.
        Assert.Equal(1_100, window.EarliestDeparture(350, limit: 3));
    }

    [Fact]
    public void CountInWindow_IsHalfOpen_ADepartureExactlyAWindowAgoNoLongerCounts()
    {
        var window = new DepartureWindow(10, Window);
        window.Record(0);
        window.Record(500);

        Assert.Equal(2, window.CountInWindow(999));
        Assert.Equal(1, window.CountInWindow(1_000));
        Assert.Equal(0, window.CountInWindow(1_500));
    }

    [Fact]
    public void Record_BeyondCapacity_ForgetsTheOldest()
    {
        var window = new DepartureWindow(2, Window);
        window.Record(0);
        window.Record(10);
        window.Record(20);

        Assert.Equal(2, window.CountInWindow(30));
        Assert.Equal(1_010, window.EarliestDeparture(30, limit: 2));
    }
}
