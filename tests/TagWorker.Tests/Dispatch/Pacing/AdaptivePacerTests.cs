using Microsoft.Extensions.Logging.Abstractions;
using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Tests.Dispatch.Pacing;

public sealed class AdaptivePacerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitAsync_Backlog_CallsLeaveEvenlySpacedAtTheCeiling()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);

        var calls = Enumerable.Range(0, 6).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        for (var i = 1; i < calls.Length; i++)
        {
            await time.AdvanceToNextTimerAsync();
        }

        var departures = await DeparturesAsync(calls);
        Assert.Equal([0, 100, 200, 300, 400, 500], departures.Select(d => time.MillisecondsBetween(departures[0], d)));
    }

    [Fact]
    public async Task WaitAsync_IntervalNotAWholeNumberOfMilliseconds_TimersRoundUpAndTheScheduleHolds()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 30); // 33.3 ms apart

        var calls = Enumerable.Range(0, 4).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        var delays = new List<TimeSpan>();
        for (var i = 1; i < calls.Length; i++)
        {
            delays.Add(await time.AdvanceToNextTimerAsync());
        }

        var departures = await DeparturesAsync(calls);
        Assert.Equal([34, 33, 33], delays.Select(d => d.TotalMilliseconds));
        Assert.Equal([0, 34, 67, 100], departures.Select(d => time.MillisecondsBetween(departures[0], d)));
    }

    [Fact]
    public async Task WaitAsync_Backlog_LetsCallersGoInTheOrderTheyCame()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);

        var calls = Enumerable.Range(0, 4).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        for (var i = 1; i < calls.Length; i++)
        {
            await time.AdvanceToNextTimerAsync();
        }

        var departures = await DeparturesAsync(calls);
        Assert.Equal(departures.Order(), departures);
        Assert.Equal(calls.Length, departures.Distinct().Count());
    }

    [Fact]
    public async Task WaitAsync_ADepartureLeftLate_TheNextOnesPayTheDelayBackNeverCloserThanThreeQuartersOfAnInterval()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10); // 100 ms apart

        var calls = Enumerable.Range(0, 5).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        await time.AdvancePastNextTimerAsync(TimeSpan.FromMilliseconds(60)); // the second leaves at 160 ms
        for (var i = 2; i < calls.Length; i++)
        {
            await time.AdvanceToNextTimerAsync();
        }

        var departures = await DeparturesAsync(calls);
        // Slots at 200, 300, 400: the 60 ms are paid back 25 ms a call, and the schedule holds from 400 on.
        Assert.Equal([0, 160, 235, 310, 400], departures.Select(d => time.MillisecondsBetween(departures[0], d)));
    }

    [Fact]
    public async Task WaitAsync_ADepartureLeftLaterThanTenIntervals_TheScheduleStartsAgainFromIt()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);

        var calls = Enumerable.Range(0, 3).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        await time.AdvancePastNextTimerAsync(TimeSpan.FromMilliseconds(1_500)); // the second leaves at 1,600 ms
        await time.AdvanceToNextTimerAsync();

        var departures = await DeparturesAsync(calls);
        Assert.Equal([0, 1_600, 1_700], departures.Select(d => time.MillisecondsBetween(departures[0], d)));
    }

    [Fact]
    public async Task WaitAsync_Idle_NextCallLeavesAtOnceAndTheOneAfterAWholeIntervalLater()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        await pacer.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));

        var first = pacer.WaitAsync(Ct).AsTask();
        var second = pacer.WaitAsync(Ct).AsTask();
        var firstLeftAtOnce = first.IsCompletedSuccessfully;
        var wait = await time.AdvanceToNextTimerAsync();
        await second.WaitAsync(Patience, Ct);

        Assert.True(firstLeftAtOnce);
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Fact]
    public async Task OnFrequencyLimited_NoCallLeavesForFiveIntervalsOfTheCutPace()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        var sent = await SendAsync(pacer, time, 10); // 0 … 900 ms
        time.Advance(TimeSpan.FromMilliseconds(50));

        pacer.OnFrequencyLimited(sent[^1]); // shallow: 9.5 calls/s, at most 9 in any second
        var next = pacer.WaitAsync(Ct).AsTask();
        await time.AdvanceToNextTimerAsync();
        var departure = (await next.WaitAsync(Patience, Ct)).DepartedAt;

        Assert.Equal(9.5, pacer.CurrentRate, precision: 6);
        // 950 ms + 5 × 105.3 ms, later than the window alone would ask (the 9th latest, 100 ms, leaves it at 1,100).
        Assert.Equal(1_477, time.MillisecondsBetween(sent[0].DepartedAt, departure));
    }

    [Fact]
    public async Task OnFrequencyLimited_CallSentBeforeTheLastCut_DoesNotCutAgain()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        var sent = await SendAsync(pacer, time, 3);

        pacer.OnFrequencyLimited(sent[2]);
        var afterFirst = pacer.CurrentRate;
        pacer.OnFrequencyLimited(sent[1]);
        pacer.OnFrequencyLimited(sent[0]);

        Assert.Equal(afterFirst, pacer.CurrentRate);
    }

    [Fact]
    public async Task OnFrequencyLimited_CallSentAfterTheCutRefusedToo_HalvesThePace()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        var sent = await SendAsync(pacer, time, 10);
        pacer.OnFrequencyLimited(sent[^1]);

        var after = pacer.WaitAsync(Ct).AsTask();
        await time.AdvanceToNextTimerAsync();
        pacer.OnFrequencyLimited(await after.WaitAsync(Patience, Ct));

        // Half of what was reached: 6 calls in the second before it (the hold kept the next one back until 1,477 ms).
        Assert.Equal(6 * AdaptiveRate.DeepCut, pacer.CurrentRate, precision: 6);
    }

    [Fact]
    public async Task OnSuccess_AfterACut_RegrowsToTheCeilingAndNoFurther()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        var sent = await SendAsync(pacer, time, 10);
        pacer.OnFrequencyLimited(sent[^1]);
        var cut = pacer.CurrentRate;

        time.Advance(AdaptiveRate.QuickPlateauAt); // an isolated refusal at the ceiling
        pacer.OnSuccess(sent[^1]);
        var onPlateau = pacer.CurrentRate;
        time.Advance(AdaptiveRate.QuickPlateauAt * 2);
        pacer.OnSuccess(sent[^1]);

        Assert.True(cut < 10);
        Assert.Equal(cut, onPlateau);
        Assert.Equal(10, pacer.CurrentRate);
    }

    [Fact]
    public async Task WaitAsync_CancelledWhileWaiting_TheNextCallerTakesTheSlot()
    {
        var time = new SteppingTimeProvider();
        using var pacer = Create(time, ceiling: 10);
        using var cancel = new CancellationTokenSource();
        var first = await pacer.WaitAsync(Ct);

        var cancelled = pacer.WaitAsync(cancel.Token).AsTask();
        var next = pacer.WaitAsync(Ct).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await time.AdvanceToNextTimerAsync();
        var departure = (await next.WaitAsync(Patience, Ct)).DepartedAt;

        Assert.Equal(100, time.MillisecondsBetween(first.DepartedAt, departure));
    }

    [Fact]
    public async Task Dispose_FailsTheWaitingCallers()
    {
        var time = new SteppingTimeProvider();
        var pacer = Create(time, ceiling: 10);
        await pacer.WaitAsync(Ct);
        var waiting = pacer.WaitAsync(Ct).AsTask();

        pacer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience, Ct));
    }

    [Fact]
    public async Task SharedBudget_AsksToWait_TheCallLeavesOnlyAfterThatWait()
    {
        var time = new SteppingTimeProvider();
        var shared = new ScriptedSharedBudget(SharedTake.Wait(TimeSpan.FromMilliseconds(30)), SharedTake.Taken);
        using var pacer = Create(time, ceiling: 10, shared);
        var start = time.GetTimestamp();

        var call = pacer.WaitAsync(Ct).AsTask();
        var wait = await time.AdvanceToNextTimerAsync();
        var departure = (await call.WaitAsync(Patience, Ct)).DepartedAt;

        Assert.Equal(TimeSpan.FromMilliseconds(30), wait);
        Assert.Equal(30, time.MillisecondsBetween(start, departure));
        Assert.Equal(2, shared.Takes);
    }

    [Fact]
    public async Task SharedBudget_Unreachable_PacesAtTheShareAndBackAtTheCeilingWhenItReturns()
    {
        var time = new SteppingTimeProvider();
        var shared = new ScriptedSharedBudget(SharedTake.Unavailable, SharedTake.Unavailable, SharedTake.Unavailable, SharedTake.Taken, SharedTake.Taken);
        using var pacer = Create(time, ceiling: 30, shared, shareCeiling: 10);

        var first = pacer.WaitAsync(Ct).AsTask();
        var onShare = await first.WaitAsync(Patience, Ct);
        var ceilingOnShare = pacer.CurrentCeiling;
        var second = pacer.WaitAsync(Ct).AsTask();
        var spacingOnShare = await time.AdvanceToNextTimerAsync();
        await second.WaitAsync(Patience, Ct);
        var third = pacer.WaitAsync(Ct).AsTask();
        await time.AdvanceToNextTimerAsync();
        var back = await third.WaitAsync(Patience, Ct);
        pacer.OnSuccess(back);

        Assert.Equal(10, ceilingOnShare);
        Assert.Equal(TimeSpan.FromMilliseconds(100), spacingOnShare);
        Assert.Equal(30, pacer.CurrentCeiling);
        Assert.Equal(30, pacer.CurrentRate);
        Assert.True(onShare.DepartedAt < back.DepartedAt);
    }

    [Fact]
    public async Task SharedBudget_FrequencyLimited_HoldsTheSharedBudgetOncePerCut()
    {
        var time = new SteppingTimeProvider();
        var shared = new ScriptedSharedBudget();
        using var pacer = Create(time, ceiling: 10, shared);
        var call = await pacer.WaitAsync(Ct);
        time.Advance(TimeSpan.FromMilliseconds(20));

        pacer.OnFrequencyLimited(call);
        pacer.OnFrequencyLimited(call); // sent before the cut: the same event

        Assert.Equal(1, shared.Holds);
    }

    private static AdaptivePacer Create(TimeProvider time, double ceiling, ISharedRateBudget? shared = null, double? shareCeiling = null) =>
        new(ImCommand.AddTag, ceiling, time, NullLogger.Instance, shared, shareCeiling);

    /// <summary>Sends <paramref name="count"/> calls back to back through the pacer, stepping the clock.</summary>
    private static async Task<PacedCall[]> SendAsync(AdaptivePacer pacer, SteppingTimeProvider time, int count)
    {
        var calls = Enumerable.Range(0, count).Select(_ => pacer.WaitAsync(Ct).AsTask()).ToArray();
        for (var i = 1; i < count; i++)
        {
            await time.AdvanceToNextTimerAsync();
        }

        return await Task.WhenAll(calls).WaitAsync(Patience, Ct);
    }

    private static async Task<long[]> DeparturesAsync(Task<PacedCall>[] calls) =>
        (await Task.WhenAll(calls).WaitAsync(Patience, Ct)).Select(call => call.DepartedAt).ToArray();

    /// <summary>Answers the pacer's takes from a script, then "taken" forever.</summary>
    private sealed class ScriptedSharedBudget(params SharedTake[] answers) : ISharedRateBudget
    {
        private readonly Queue<SharedTake> _answers = new(answers);

        public int Takes { get; private set; }

        public ValueTask<SharedTake> TakeAsync(ImCommand command, CancellationToken cancellationToken)
        {
            Takes++;
            return ValueTask.FromResult(_answers.TryDequeue(out var answer) ? answer : SharedTake.Taken);
        }

        public int Holds { get; private set; }

        public ValueTask HoldAsync(ImCommand command, CancellationToken cancellationToken)
        {
            Holds++;
            return ValueTask.CompletedTask;
        }
    }
}
