using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagWorker.Dispatch.Pacing;

namespace TagWorker.Tests.Dispatch.Pacing;

public sealed class AdaptiveRateTests
{
    private const long Second = 10_000_000;

    [Fact]
    public void New_StartsAtTheCeiling()
    {
        var rate = new AdaptiveRate(98, Second);

        Assert.Equal(98, rate.Current);
    }

    [Fact]
    public void Cut_FirstRefusalNearTheCeiling_IsShallow()
    {
        var rate = new AdaptiveRate(98, Second);

        rate.Cut(10 * Second, sentInLastSecond: 98);

        Assert.True(rate.LastCutWasShallow);
        Assert.Equal(98 * AdaptiveRate.ShallowCut, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_AnotherRefusalSoonAfterACut_HalvesThePace()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(10 * Second, 98);

        rate.Cut((10 * Second) + (Second / 10), sentInLastSecond: 97);

        Assert.False(rate.LastCutWasShallow);
        Assert.Equal(98 * AdaptiveRate.ShallowCut * AdaptiveRate.DeepCut, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_FirstRefusalBelowTheCeiling_IsShallowAtThePaceReached()
    {
        var rate = new AdaptiveRate(98, Second);

        // As in a shared budget, where this process reaches a third of the app's pace.
        rate.Cut(10 * Second, sentInLastSecond: 33);

        Assert.True(rate.LastCutWasShallow);
        Assert.Equal(33 * AdaptiveRate.ShallowCut, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_RefusalFarBelowTheLimitFoundLately_HalvesWhatWasReached()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 98);
        rate.Grow(10 * Second);

        rate.Cut(20 * Second, sentInLastSecond: 40);

        Assert.False(rate.LastCutWasShallow);
        Assert.Equal(20, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_LimitFoundLongAgo_IsForgotten()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 98);
        rate.Grow(10 * Second);

        rate.Cut((long)(AdaptiveRate.Memory.TotalSeconds + 1) * Second, sentInLastSecond: 40);

        Assert.True(rate.LastCutWasShallow);
    }

    [Fact]
    public void Cut_ProbePastTheLimitFoundAfterADeepCut_IsShallowAtTheRateReached()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 98);
        rate.Cut(Second / 10, 96); // deep: 46.55, the new reference
        rate.Grow(49 * (Second / 10)); // the probe has passed 61 by now

        rate.Cut(5 * Second, sentInLastSecond: 61);

        Assert.True(rate.LastCutWasShallow);
        Assert.Equal(61 * AdaptiveRate.ShallowCut, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_UsesThePaceReached_WhenCallsCameSlowerThanAllowed()
    {
        var rate = new AdaptiveRate(98, Second);

        rate.Cut(0, sentInLastSecond: 90);

        Assert.Equal(90 * AdaptiveRate.ShallowCut, rate.Current, precision: 6);
    }

    [Fact]
    public void Cut_NeverBelowTheFloor()
    {
        var rate = new AdaptiveRate(98, Second);

        for (var i = 0; i < 20; i++)
        {
            rate.Cut(i * (Second / 100), sentInLastSecond: 0);
        }

        Assert.Equal(AdaptiveRate.Floor, rate.Current);
    }

    [Fact]
    public void Cut_IsolatedRefusalAtTheCeiling_IsQuickAndBackAtTheCeilingWithinASecond()
    {
        var rate = new AdaptiveRate(98, Second);

        rate.Cut(10 * Second, sentInLastSecond: 98);
        var cut = rate.Current;
        rate.Grow((10 * Second) + (long)(AdaptiveRate.QuickPlateauAt.TotalSeconds * Second));
        var onPlateau = rate.Current;
        rate.Grow(11 * Second);

        Assert.True(rate.LastCutWasQuick);
        Assert.Equal(98 * AdaptiveRate.ShallowCut, cut, precision: 6);
        Assert.Equal(cut, onPlateau);
        Assert.Equal(98, rate.Current);
    }

    [Fact]
    public void Cut_AnotherRefusalAtTheCeilingSoonAfterTheLastCut_KeepsTheFullPlateau()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 98);
        rate.Grow(2 * Second); // back at the ceiling

        rate.Cut(3 * Second, sentInLastSecond: 98); // settled, shallow, but not quiet
        var cut = rate.Current;
        rate.Grow(4 * Second);

        Assert.True(rate.LastCutWasShallow);
        Assert.False(rate.LastCutWasQuick);
        Assert.Equal(cut, rate.Current);
    }

    [Fact]
    public void Cut_RefusalWellBelowTheCeiling_IsNotQuick()
    {
        var rate = new AdaptiveRate(98, Second);

        rate.Cut(10 * Second, sentInLastSecond: 60);

        Assert.True(rate.LastCutWasShallow);
        Assert.False(rate.LastCutWasQuick);
    }

    [Fact]
    public void Grow_DuringThePlateau_KeepsTheCutPace()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 60); // below the ceiling: the full plateau
        var cut = rate.Current;

        rate.Grow((long)(AdaptiveRate.PlateauAt.TotalSeconds * Second));

        Assert.Equal(cut, rate.Current);
    }

    [Fact]
    public void Grow_AfterThePlateau_RisesAlongTheCurveAndNeverFalls()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 60); // shallow: 57
        const double Plateau = 60 * AdaptiveRate.ShallowCut;
        var plateau = AdaptiveRate.PlateauAt.TotalSeconds;
        var paces = new List<double>();

        foreach (var seconds in new[] { plateau * 1.25, plateau * 1.5, plateau * 1.25, plateau * 1.75 })
        {
            rate.Grow((long)(seconds * Second));
            paces.Add(rate.Current);
        }

        Assert.Equal(Plateau * (1 + Math.Pow(0.25, 5)), paces[0], precision: 6);
        Assert.Equal(Plateau * (1 + Math.Pow(0.5, 5)), paces[1], precision: 6);
        Assert.Equal(paces[1], paces[2]); // an out-of-order success never lowers the pace
        Assert.Equal(Plateau * (1 + Math.Pow(0.75, 5)), paces[3], precision: 6);
    }

    [Fact]
    public void Grow_LongAfterACut_IsBackAtTheCeilingAndStaysThere()
    {
        var rate = new AdaptiveRate(98, Second);
        rate.Cut(0, 98);

        rate.Grow(10 * Second);
        rate.Grow(100 * Second);

        Assert.Equal(98, rate.Current);
    }

    [Fact]
    public void Ceiling_Lowered_LowersThePaceAtOnceAndRaisedAgain_TheNextSuccessRestoresIt()
    {
        var rate = new AdaptiveRate(98, Second);

        rate.Ceiling = 98 / 3.0;
        var lowered = rate.Current;
        rate.Ceiling = 98;
        var beforeSuccess = rate.Current;
        rate.Grow(Second);

        Assert.Equal(98 / 3.0, lowered, precision: 6);
        Assert.Equal(98 / 3.0, beforeSuccess, precision: 6);
        Assert.Equal(98, rate.Current);
    }

    [Property(MaxTest = 300)]
    public Property AnySequenceOfAnswers_KeepsThePaceBetweenFloorAndCeiling()
    {
        var step = from kind in Gen.Choose(0, 1)
                   from milliseconds in Gen.Choose(1, 3_000)
                   from sent in Gen.Choose(0, 120)
                   select (Kind: kind, Milliseconds: milliseconds, Sent: sent);
        var steps = step.ListOf();
        return Prop.ForAll(steps.ToArbitrary(), list =>
        {
            var rate = new AdaptiveRate(98, Second);
            var now = 0L;
            foreach (var (kind, milliseconds, sent) in list)
            {
                now += milliseconds * (Second / 1000);
                if (kind == 0)
                {
                    rate.Cut(now, sent);
                }
                else
                {
                    rate.Grow(now);
                }

                if (rate.Current < AdaptiveRate.Floor || rate.Current > 98)
                {
                    return false;
                }
            }

            return true;
        });
    }
}
