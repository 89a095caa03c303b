using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TagWorker.Publisher.Tests;

public sealed class SplitEventIdTests
{
    // Computed with Python's uuid.uuid5(UUID("c54c757b-4b18-4e74-a63c-0158acba131b"), f"{event_id}:{partition}/{n}"),
    // an implementation independent of ours; docs/events.md lists the first four.
    [Theory]
    [InlineData("0b9e6c1e-4f1a-4d7e-9a53-2f0c8d1b7a10", 3, 16, "2d904ff6-fa2f-5759-8586-d72839ef604b")]
    [InlineData("0b9e6c1e-4f1a-4d7e-9a53-2f0c8d1b7a10", 6, 16, "b1d17679-f3a4-5e7e-96e9-7eabdc375c32")]
    [InlineData("segment-vip", 51, 64, "c890f0c3-2af2-5f53-9a1d-e42b90dd4076")]
    [InlineData("segment-vip", 51, 128, "c6b1ffcf-3387-520f-80b1-a4c79ff029e1")]
    [InlineData("用户:段", 0, 1, "009f172c-4cf3-58f9-a7c3-7b1be7bea56d")]
    public void For_KnownVectors_MatchUuid5OfTheDocumentedName(string eventId, int partition, int partitionCount, string expected)
    {
        Assert.Equal(expected, SplitEventId.For(eventId, partition, partitionCount));
    }

    [Fact]
    public void For_LongestOriginal_StaysWithinTheContractLimit()
    {
        // 128 characters plus ":9/10" would break the 128-character limit a plain suffix rule runs into.
        string id = SplitEventId.For(new string('x', 128), 9, 10);

        Assert.Equal("8e48ece6-70ba-5fbf-ba6c-ce31da8e4990", id);
    }

    [Property(MaxTest = 500)]
    public bool For_AnyInput_IsAVersion5VariantOneUuidInCanonicalForm(NonEmptyString eventId, PositiveInt partitionCount, NonNegativeInt partitionSeed)
    {
        int partition = partitionSeed.Get % partitionCount.Get;
        string id = SplitEventId.For(eventId.Get, partition, partitionCount.Get);

        return id.Length == 36 && id[14] == '5' && "89ab".Contains(id[19], StringComparison.Ordinal)
            && Guid.TryParseExact(id, "D", out _) && !id.Any(char.IsUpper);
    }

    [Property(MaxTest = 500)]
    public bool For_DifferentPartitionOrCount_GivesDifferentIds(NonEmptyString eventId, PositiveInt partitionCount)
    {
        int n = partitionCount.Get + 1;
        var ids = Enumerable.Range(0, Math.Min(n, 20)).Select(p => SplitEventId.For(eventId.Get, p, n))
            .Append(SplitEventId.For(eventId.Get, 0, n + 1))
            .ToList();

        return ids.Distinct(StringComparer.Ordinal).Count() == ids.Count && !ids.Contains(eventId.Get);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(4, 4)]
    [InlineData(0, 0)]
    public void For_PartitionOutsideTheCount_Throws(int partition, int partitionCount)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitEventId.For("e", partition, partitionCount));
    }

    [Fact]
    public void For_EmptyEventId_Throws()
    {
        Assert.Throws<ArgumentException>(() => SplitEventId.For("", 0, 1));
    }
}
