using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

public class TagChangeEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_ValidArguments_ReturnsVersion1EventWithDuplicatesFolded()
    {
        var e = TagChangeEvents.Add("e-1", At, ["u2", "u1", "u2"], ["vip", "vip", "beta"]);

        Assert.Equal(1, e.Version);
        Assert.Equal(TagOperation.Add, e.Op);
        Assert.Equal(At, e.OccurredAt);
        Assert.Equal(["u2", "u1"], e.Users);
        Assert.Equal(["vip", "beta"], e.Tags);
    }

    [Fact]
    public void RemoveAll_ValidArguments_HasNoTags()
    {
        var e = TagChangeEvents.RemoveAll("e-1", At, ["u1"]);

        Assert.Equal(TagOperation.RemoveAll, e.Op);
        Assert.Empty(e.Tags);
    }

    [Fact]
    public void Remove_TagTooLong_ThrowsWithTheParserMessage()
    {
        var tag = new string('标', 17);
        var body = EventJson.AddWith("tags", $"[\"{tag}\"]").Replace("\"add\"", "\"remove\"", StringComparison.Ordinal);
        var expected = EventJson.Parse(body).Describe();

        var ex = Assert.Throws<ArgumentException>(() => TagChangeEvents.Remove("e-1", At, ["u1", "u2"], [tag]));

        Assert.Equal("tags", ex.ParamName);
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_SeveralBadArguments_ListsThemAllAndNamesTheFirstParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => TagChangeEvents.Add("", At, ["u1", ""], []));

        Assert.Equal("eventId", ex.ParamName);
        Assert.StartsWith("eventId: no eventId; users[1]: empty account; tags: no tags: add needs at least one", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NullUserInList_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => TagChangeEvents.Add("e-1", At, ["u1", null!], ["vip"]));

        Assert.Equal("users", ex.ParamName);
        Assert.Contains("users[1]: expected an account string, found null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_UnpairedSurrogateInTag_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => TagChangeEvents.Add("e-1", At, ["u1"], ["a\uD800"]));

        Assert.Contains("unpaired surrogate U+D800 at index 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveAll_TooManyUsers_Throws()
    {
        var users = Enumerable.Range(0, TagEventLimits.MaxUsersPerEvent + 1).Select(i => $"u{i}").ToArray();

        var ex = Assert.Throws<ArgumentException>(() => TagChangeEvents.RemoveAll("e-1", At, users));

        Assert.Equal("users", ex.ParamName);
    }

    [Fact]
    public void Add_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => TagChangeEvents.Add(null!, At, ["u1"], ["vip"]));
        Assert.Throws<ArgumentNullException>(() => TagChangeEvents.Add("e-1", At, null!, ["vip"]));
        Assert.Throws<ArgumentNullException>(() => TagChangeEvents.Add("e-1", At, ["u1"], null!));
    }
}
