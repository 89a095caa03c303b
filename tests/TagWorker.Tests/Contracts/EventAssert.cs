using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

/// <summary>
/// Field-by-field equality of events: the record's own equality compares the user and tag lists by reference.
/// </summary>
internal static class EventAssert
{
    public static void Same(TagChangeEvent expected, TagChangeEvent actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.OccurredAt, actual.OccurredAt);
        Assert.Equal(expected.OccurredAt.Offset, actual.OccurredAt.Offset);
        Assert.Equal(expected.Op, actual.Op);
        Assert.Equal(expected.Users, actual.Users);
        Assert.Equal(expected.Tags, actual.Tags);
    }

    public static bool AreSame(TagChangeEvent expected, TagChangeEvent actual) =>
        expected.Version == actual.Version
        && expected.EventId == actual.EventId
        && expected.OccurredAt == actual.OccurredAt
        && expected.OccurredAt.Offset == actual.OccurredAt.Offset
        && expected.Op == actual.Op
        && expected.Users.SequenceEqual(actual.Users)
        && expected.Tags.SequenceEqual(actual.Tags);
}
