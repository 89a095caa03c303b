using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class ImCommandPathsTests
{
    [Theory]
    [InlineData(ImCommand.AddTag, "im_add_tag")]
    [InlineData(ImCommand.RemoveTag, "im_remove_tag")]
    [InlineData(ImCommand.RemoveAllTags, "im_remove_all_tags")]
    [InlineData(ImCommand.GetTag, "im_get_tag")]
    public void ToSegment_EachCommand_IsVendorName(ImCommand command, string segment)
    {
        Assert.Equal(segment, ImCommandPaths.ToSegment(command));
        Assert.Equal("v4/all_member_push/" + segment, ImCommandPaths.ToPath(command));
        Assert.True(ImCommandPaths.TryParse(segment, out var parsed));
        Assert.Equal(command, parsed);
    }

    [Theory]
    [InlineData("IM_ADD_TAG")]
    [InlineData("im_set_tag")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownSegment_ReturnsFalse(string? segment) =>
        Assert.False(ImCommandPaths.TryParse(segment, out _));

    [Fact]
    public void ToSegment_UndefinedCommand_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImCommandPaths.ToSegment((ImCommand)42));
}
