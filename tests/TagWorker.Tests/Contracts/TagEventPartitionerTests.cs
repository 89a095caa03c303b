using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

public class TagEventPartitionerTests
{
    // Computed independently (FNV-1a 32-bit over UTF-8, unsigned modulo); the same table is in docs/events.md.
    [Theory]
    [InlineData("u1", 16, "3")]
    [InlineData("u1", 1000, "235")]
    [InlineData("u2", 16, "6")]
    [InlineData("xiaojun012", 7, "3")]
    [InlineData("xiaojun012", 64, "46")]
    [InlineData("user-42", 16, "11")]
    [InlineData("用户", 16, "9")]
    [InlineData("张三", 64, "59")]
    [InlineData("😀", 1000, "256")]
    [InlineData("u1", 1, "0")]
    public void SessionIdFor_KnownVectors_MatchTheDocumentedAlgorithm(string account, int partitions, string expected)
    {
        Assert.Equal(expected, TagEventPartitioner.SessionIdFor(account, partitions));
    }

    [Fact]
    public void SessionIdFor_AccountLongerThanTheStackBuffer_HashesAllBytes()
    {
        Assert.Equal("721", TagEventPartitioner.SessionIdFor(new string('a', 300), 1000));
    }

    // Published FNV-1a 32-bit values, "a" = 0xe40c292c and "foobar" = 0xbf9cf968, taken modulo int.MaxValue.
    [Theory]
    [InlineData("a", "1678518573")]
    [InlineData("foobar", "1067252073")]
    public void SessionIdFor_PublishedFnvVectors_Match(string account, string expected)
    {
        Assert.Equal(expected, TagEventPartitioner.SessionIdFor(account, int.MaxValue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void SessionIdFor_PartitionCountBelowOne_Throws(int partitions)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TagEventPartitioner.SessionIdFor("u1", partitions));
    }

    [Fact]
    public void SessionIdFor_EmptyAccount_Throws()
    {
        Assert.Throws<ArgumentException>(() => TagEventPartitioner.SessionIdFor("", 16));
    }
}
