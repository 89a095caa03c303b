using Microsoft.Extensions.Time.Testing;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

public sealed class PipelineStatisticsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Gauges_ReportWhatTheCoordinatorLastSet()
    {
        using var recorder = new MeterRecorder();
        var time = new FakeTimeProvider(Start);
        var statistics = new PipelineStatistics(recorder.Factory, time);

        statistics.HeldMessages = 1_500;
        statistics.PendingUsers = 320;
        statistics.OldestPendingSince = Start;
        time.Advance(TimeSpan.FromSeconds(42));
        recorder.Observe();

        Assert.Equal(1_500, Assert.Single(recorder.Of("tagworker.pipeline.held_messages")).Value);
        Assert.Equal(320, Assert.Single(recorder.Of("tagworker.pipeline.pending_users")).Value);
        Assert.Equal(42, Assert.Single(recorder.Of("tagworker.pipeline.oldest_pending_age")).Value);
    }

    [Fact]
    public void OldestPendingAge_NothingPending_IsZero()
    {
        using var recorder = new MeterRecorder();
        var time = new FakeTimeProvider(Start);
        var statistics = new PipelineStatistics(recorder.Factory, time);
        statistics.OldestPendingSince = Start;
        time.Advance(TimeSpan.FromMinutes(1));

        statistics.OldestPendingSince = null;
        recorder.Observe();

        Assert.Null(statistics.OldestPendingSince);
        Assert.Equal(TimeSpan.Zero, statistics.OldestPendingAge);
        Assert.Equal(0, Assert.Single(recorder.Of("tagworker.pipeline.oldest_pending_age")).Value);
    }

    [Fact]
    public void OldestPendingAge_SinceInTheFuture_IsZeroNotNegative()
    {
        using var recorder = new MeterRecorder();
        var statistics = new PipelineStatistics(recorder.Factory, new FakeTimeProvider(Start));

        statistics.OldestPendingSince = Start.AddSeconds(5);

        Assert.Equal(TimeSpan.Zero, statistics.OldestPendingAge);
    }

    [Fact]
    public void OldestPendingSince_KeepsTheInstantAcrossOffsets()
    {
        using var recorder = new MeterRecorder();
        var statistics = new PipelineStatistics(recorder.Factory, new FakeTimeProvider(Start));
        var local = new DateTimeOffset(2026, 11, 25, 18, 0, 0, TimeSpan.FromHours(8));

        statistics.OldestPendingSince = local;

        Assert.Equal(local, statistics.OldestPendingSince);
        Assert.Equal(TimeSpan.Zero, statistics.OldestPendingAge);
    }
}
