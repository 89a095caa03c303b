using FsCheck.Xunit;
using TagWorker.Contracts;

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

    [Property(MaxTest = 500, Arbitrary = [typeof(WideTagScenarios)])]
    public void ApplyTo_WideFoldOfEvents_EqualsApplyingEventsOneByOne(MergeScenario scenario)
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
    public void Apply_AnyEvents_ListsTagsInFirstSeenOrderSinceTheLastReset(MergeScenario scenario) =>
        AssertFirstSeenOrder(scenario);

    [Property(MaxTest = 500, Arbitrary = [typeof(WideTagScenarios)])]
    public void Apply_WideEvents_ListsTagsInFirstSeenOrderSinceTheLastReset(MergeScenario scenario) =>
        AssertFirstSeenOrder(scenario);

    /// <summary>
    /// The planner cuts add chunks in the order the fold lists them (so a cap breach usually falls on the latest
    /// changes): the order a tag was first seen since the last remove-all, a tag dropped after a reset losing its place.
    /// </summary>
    private static void AssertFirstSeenOrder(MergeScenario scenario)
    {
        var order = new List<string>();
        var reset = false;
        foreach (var e in scenario.All)
        {
            if (e.Op == TagOperation.RemoveAll)
            {
                order.Clear();
                reset = true;
                continue;
            }

            foreach (var tag in e.Tags)
            {
                if (e.Op == TagOperation.Remove && reset)
                {
                    order.Remove(tag);
                }
                else if (!order.Contains(tag))
                {
                    order.Add(tag);
                }
            }
        }

        var change = TagModel.Fold(scenario.All);
        var listed = change.Adds.Concat(change.Removes).ToHashSet();
        Assert.Equal(order, order.Where(listed.Contains));
        Assert.Equal(order.Where(change.Adds.Contains), change.Adds);
        Assert.Equal(order.Where(change.Removes.Contains), change.Removes);
    }
}
