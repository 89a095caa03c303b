using FsCheck.Xunit;

namespace TagWorker.Tests.Merging;

public class UserTagChangePropertyTests
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void ApplyTo_FoldOfEvents_EqualsApplyingEventsOneByOne(MergeScenario scenario)
    {
        var expected = new HashSet<string>(scenario.Start, StringComparer.Ordinal);
        foreach (var e in scenario.All)
        {
            TagModel.ApplyEvent(expected, e);
        }

        var actual = new HashSet<string>(scenario.Start, StringComparer.Ordinal);
        TagModel.Fold(scenario.All).ApplyTo(actual);

        Assert.True(expected.SetEquals(actual), $"expected [{string.Join(',', expected)}] got [{string.Join(',', actual)}]");
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Apply_AnyEvents_KeepsAddsAndRemovesDisjointAndNoRemovesAfterReset(MergeScenario scenario)
    {
        var change = TagModel.Fold(scenario.All);

        Assert.Empty(change.Adds.Intersect(change.Removes));
        Assert.Equal(change.Adds.Count, change.Adds.Distinct().Count());
        Assert.Equal(change.Removes.Count, change.Removes.Distinct().Count());
        Assert.True(!change.Reset || change.Removes.Count == 0);
        Assert.Equal(!change.Reset && change.Adds.Count == 0 && change.Removes.Count == 0, change.IsEmpty);
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(TagScenarios)])]
    public void Merge_TwoFolds_EqualsFoldOfConcatenation(MergeScenario scenario)
    {
        var merged = TagModel.Fold(scenario.Earlier);
        var later = TagModel.Fold(scenario.Later);
        var laterAdds = later.Adds.ToHashSet();
        var laterRemoves = later.Removes.ToHashSet();

        merged.Merge(later);
        var whole = TagModel.Fold(scenario.All);

        Assert.Equal(whole.Reset, merged.Reset);
        Assert.True(whole.Adds.ToHashSet().SetEquals(merged.Adds), "adds differ");
        Assert.True(whole.Removes.ToHashSet().SetEquals(merged.Removes), "removes differ");
        Assert.True(laterAdds.SetEquals(later.Adds) && laterRemoves.SetEquals(later.Removes), "the later change was modified");
    }
}
