using TagWorker.Contracts;
using TagWorker.Merging;

namespace TagWorker.Tests.Merging;

public class UserTagChangeTests
{
    [Fact]
    public void New_NothingApplied_IsEmpty()
    {
        var change = new UserTagChange();

        Assert.True(change.IsEmpty);
        Assert.False(change.Reset);
        Assert.Empty(change.Adds);
        Assert.Empty(change.Removes);
    }

    [Fact]
    public void Apply_AddThenRemoveSameTag_CancelsAddAndRecordsRemove()
    {
        var change = new UserTagChange();

        change.Apply(TagOperation.Add, ["a", "b"]);
        change.Apply(TagOperation.Remove, ["a"]);

        Assert.Equal(["b"], change.Adds);
        Assert.Equal(["a"], change.Removes);
    }

    [Fact]
    public void Apply_RemoveThenAddSameTag_CancelsRemove()
    {
        var change = new UserTagChange();

        change.Apply(TagOperation.Remove, ["a", "b"]);
        change.Apply(TagOperation.Add, ["a"]);

        Assert.Equal(["a"], change.Adds);
        Assert.Equal(["b"], change.Removes);
    }

    [Fact]
    public void Apply_RemoveAll_ClearsEarlierAddsAndRemoves()
    {
        var change = new UserTagChange();
        change.Apply(TagOperation.Add, ["a"]);
        change.Apply(TagOperation.Remove, ["b"]);

        change.Apply(TagOperation.RemoveAll, []);

        Assert.True(change.Reset);
        Assert.Empty(change.Adds);
        Assert.Empty(change.Removes);
        Assert.False(change.IsEmpty);
    }

    [Fact]
    public void Apply_RemoveAfterRemoveAll_DoesNotRecordRemove()
    {
        var change = new UserTagChange();
        change.Apply(TagOperation.RemoveAll, []);

        change.Apply(TagOperation.Remove, ["a"]);

        Assert.True(change.Reset);
        Assert.Empty(change.Removes);
    }

    [Fact]
    public void Apply_AddThenRemoveAfterRemoveAll_LeavesOnlyReset()
    {
        var change = new UserTagChange();
        change.Apply(TagOperation.RemoveAll, []);
        change.Apply(TagOperation.Add, ["a", "b"]);

        change.Apply(TagOperation.Remove, ["a"]);

        Assert.True(change.Reset);
        Assert.Equal(["b"], change.Adds);
        Assert.Empty(change.Removes);
    }

    [Fact]
    public void Apply_AddAfterRemoveAll_KeepsResetAndAdds()
    {
        var change = new UserTagChange();
        change.Apply(TagOperation.RemoveAll, []);

        change.Apply(TagOperation.Add, ["a"]);

        var state = new HashSet<string> { "x", "a" };
        change.ApplyTo(state);
        Assert.Equal(["a"], state);
    }

    [Fact]
    public void Apply_DuplicateTagsInOneEvent_CountOnce()
    {
        var change = new UserTagChange();

        change.Apply(TagOperation.Add, ["a", "a"]);

        Assert.Equal(["a"], change.Adds);
    }

    [Fact]
    public void Apply_TagsDifferingOnlyInCase_AreDistinct()
    {
        var change = new UserTagChange();

        change.Apply(TagOperation.Add, ["VIP", "vip"]);

        Assert.Equal(2, change.Adds.Count);
    }

    [Fact]
    public void Apply_RemoveAllWithNullTags_IgnoresTags()
    {
        var change = new UserTagChange();

        change.Apply(TagOperation.RemoveAll, null!);

        Assert.True(change.Reset);
    }

    [Fact]
    public void Apply_AddWithNullTags_Throws()
    {
        var change = new UserTagChange();

        Assert.Throws<ArgumentNullException>(() => change.Apply(TagOperation.Add, null!));
    }

    [Fact]
    public void Apply_UnknownOperation_Throws()
    {
        var change = new UserTagChange();

        Assert.Throws<ArgumentOutOfRangeException>(() => change.Apply((TagOperation)42, ["a"]));
    }

    [Fact]
    public void ApplyTo_ResetRemovesAndAdds_AppliesInThatOrder()
    {
        var change = new UserTagChange();
        change.Apply(TagOperation.Remove, ["x"]);
        change.Apply(TagOperation.Add, ["a"]);
        var state = new HashSet<string> { "x", "y" };

        change.ApplyTo(state);

        Assert.Equal(["a", "y"], state.Order(StringComparer.Ordinal));
    }
}
