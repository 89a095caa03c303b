using TagWorker.ImApi;

namespace TagWorker.Tests.Simulator.Api;

public sealed class BodyValidationTests
{
    public static TheoryData<string> Commands => new(ImCommandPaths.AddTag, ImCommandPaths.RemoveTag, ImCommandPaths.RemoveAllTags, ImCommandPaths.GetTag);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"UserTags":"u1"}""")]
    [InlineData("""{"UserTags":null}""")]
    [InlineData("""{"userTags":[{"To_Account":"u1","Tags":["a"]}]}""")]
    [InlineData("""{"To_Account":["u1"]}""")]
    [InlineData("""{"UserTags":[null]}""")]
    [InlineData("""{"UserTags":[{"Tags":["a"]}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"","Tags":["a"]}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":1,"Tags":["a"]}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1"}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1","Tags":"a"}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1","Tags":[1]}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1","Tags":[null]}]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1","Tags":[""]}]}""")]
    public async Task AddTag_BodyNotTheDocumentedShape_Answers90001(string body)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(ImCommandPaths.AddTag, body);

        Assert.Equal(ImErrorCodes.InvalidJson, response.ErrorCode);
        Assert.Equal(ImActionStatus.Fail, response.ActionStatus);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("""{"To_Account":"u1"}""")]
    [InlineData("""{"To_Account":[1]}""")]
    [InlineData("""{"To_Account":[""]}""")]
    [InlineData("""{"UserTags":[{"To_Account":"u1","Tags":["a"]}]}""")]
    public async Task RemoveAllTags_BodyNotTheDocumentedShape_Answers90001(string body)
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "a");

        var response = await sim.CallAsync(ImCommandPaths.RemoveAllTags, body);

        Assert.Equal(ImErrorCodes.InvalidJson, response.ErrorCode);
        Assert.Equal(["a"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Fact]
    public async Task AddTag_UnknownProperties_AreIgnored()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(ImCommandPaths.AddTag, """{"Extra":1,"UserTags":[{"To_Account":"u1","Tags":["a"],"More":true}]}""");

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(["a"], sim.Simulator.SnapshotState()["u1"]);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Call_101Accounts_Answers90018(string command)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(command, SimulatorHarness.BodyFor(command, Accounts(101)));

        Assert.Equal(ImErrorCodes.TooManyAccounts, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Call_100Accounts_AnswersOk(string command)
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(command, SimulatorHarness.BodyFor(command, Accounts(100)));

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Call_SameAccountTwice_Answers90001AndAppliesNothing(string command)
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", "t");

        var response = await sim.CallAsync(command, SimulatorHarness.BodyFor(command, ["u2", "u1", "u2"]));

        Assert.Equal(ImErrorCodes.InvalidJson, response.ErrorCode);
        Assert.Equal(["u1"], sim.Simulator.SnapshotState().Keys);
    }

    [Fact]
    public async Task AddTag_ElevenTagsForOneUser_Answers90032()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.AddAsync("u1", Tags(11));

        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task AddTag_TenTagsForOneUser_AnswersOk()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.AddAsync("u1", Tags(10));

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(10, sim.Simulator.SnapshotState()["u1"].Count);
    }

    [Fact]
    public async Task AddTag_ElevenEntriesWithADuplicate_CountsEntriesAndAnswers90032()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.AddAsync("u1", [.. Tags(10), "t0"]);

        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, response.ErrorCode);
    }

    [Fact]
    public async Task RemoveTag_ElevenTagsForOneUser_AnswersOk()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("u1", Tags(10));

        var response = await sim.CallAsync(ImCommandPaths.RemoveTag, SimulatorHarness.UserTagsBody(new UserTags("u1", Tags(11))));

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Theory]
    [InlineData(ImCommandPaths.AddTag)]
    [InlineData(ImCommandPaths.RemoveTag)]
    public async Task Call_TagOf51Utf8Bytes_Answers90020(string command)
    {
        await using var sim = await SimulatorHarness.StartAsync();
        var tooLong = new string('标', 17); // 17 characters, 51 UTF-8 bytes

        var response = await sim.CallAsync(command, SimulatorHarness.UserTagsBody(new UserTags("u1", ["ok", tooLong])));

        Assert.Equal(ImErrorCodes.TagTooLong, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task AddTag_TagsOfExactly50Utf8Bytes_AnswersOk()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        var ascii = new string('a', 50);
        var mixed = new string('标', 16) + "ab"; // 48 + 2 bytes

        var response = await sim.AddAsync("u1", ascii, mixed);

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(2, sim.Simulator.SnapshotState()["u1"].Count);
    }

    [Fact]
    public async Task AddTag_UserWouldHold101Tags_Answers90032AndAppliesNothing()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        for (var batch = 0; batch < 10; batch++)
        {
            Assert.Equal(ImErrorCodes.Success, (await sim.AddAsync("u1", Tags(10, prefix: $"b{batch}-"))).ErrorCode);
        }

        var body = SimulatorHarness.UserTagsBody(new UserTags("u2", ["x"]), new UserTags("u1", ["one-more"]));
        var response = await sim.CallAsync(ImCommandPaths.AddTag, body);

        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, response.ErrorCode);
        Assert.Contains("u1", response.ErrorInfo, StringComparison.Ordinal);
        Assert.Equal(100, sim.Simulator.SnapshotState()["u1"].Count);
        Assert.False(sim.Simulator.SnapshotState().ContainsKey("u2"));
    }

    [Fact]
    public async Task AddTag_UserAt100TagsAddingTagsItHolds_AnswersOk()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        for (var batch = 0; batch < 10; batch++)
        {
            await sim.AddAsync("u1", Tags(10, prefix: $"b{batch}-"));
        }

        var response = await sim.AddAsync("u1", "b0-t0", "b9-t9");

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Equal(100, sim.Simulator.SnapshotState()["u1"].Count);
    }

    [Fact]
    public async Task AddTag_OneUserOverALimit_AppliesNoUserOfTheRequest()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var body = SimulatorHarness.UserTagsBody(new UserTags("u1", ["a"]), new UserTags("u2", Tags(11)));
        var response = await sim.CallAsync(ImCommandPaths.AddTag, body);

        Assert.Equal(ImErrorCodes.TooManyTagsPerUser, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    [Fact]
    public async Task AddTag_EmptyUserTags_AnswersOkWithoutChange()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var response = await sim.CallAsync(ImCommandPaths.AddTag, """{"UserTags":[]}""");

        Assert.Equal(ImErrorCodes.Success, response.ErrorCode);
        Assert.Empty(sim.Simulator.SnapshotState());
    }

    private static string[] Accounts(int count) => Enumerable.Range(0, count).Select(i => $"user{i}").ToArray();

    private static string[] Tags(int count, string prefix = "") => Enumerable.Range(0, count).Select(i => $"{prefix}t{i}").ToArray();
}
