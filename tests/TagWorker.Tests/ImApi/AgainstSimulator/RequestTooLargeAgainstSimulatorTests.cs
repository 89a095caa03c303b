using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>More than 100 accounts in one request comes back as <see cref="ImOutcomeKind.RequestTooLarge"/> on every endpoint.</summary>
public sealed class RequestTooLargeAgainstSimulatorTests
{
    public static readonly TheoryData<ImCommand> Commands = new(Enum.GetValues<ImCommand>());

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task SendAsync_OneHundredAndOneUsers_IsRequestTooLarge90018(ImCommand command)
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        var users = Enumerable.Range(0, 101)
            .Select(i => new UserTags("u" + i, command == ImCommand.AddTag || command == ImCommand.RemoveTag ? ["t"] : []))
            .ToArray();

        var result = await harness.Client.SendAsync(new TagRequest(command, users), ClientAgainstSimulator.Ct);

        Assert.Equal(ImOutcomeKind.RequestTooLarge, result.Kind);
        Assert.Equal(ImErrorCodes.TooManyAccounts, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.Empty(harness.Simulator.SnapshotState());
    }

    [Fact]
    public async Task GetTagsAsync_OneHundredAndOneAccounts_IsRequestTooLargeWithNoUsers()
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();

        var result = await harness.GetTagsAsync(Enumerable.Range(0, 101).Select(i => "u" + i).ToArray());

        Assert.Equal(ImOutcomeKind.RequestTooLarge, result.Outcome.Kind);
        Assert.Equal(ImErrorCodes.TooManyAccounts, result.Outcome.ErrorCode);
        Assert.Empty(result.Users);
    }
}
