using System.Globalization;
using System.Text.Json;
using TagWorker.ImApi;
using TagWorker.ImSimulator;
using TagWorker.Tests.ImApi.AgainstSimulator;

namespace TagWorker.Tests.Cli;

/// <summary><c>tags get</c> through the real command line and IM client against a real simulator on loopback.</summary>
public class TagsCommandTests
{
    [Fact]
    public async Task TagsGet_PrintsEachUsersTagsInTheOrderGiven()
    {
        await using var api = await ClientAgainstSimulator.StartAsync();
        Assert.True((await api.AddAsync(new UserTags("u1", ["vip", "beta"]), new UserTags("u3", ["试用用户"]))).IsSuccess);

        var run = await CliRun.RunAsync(["tags", "get", "u3", "u1", "u2", .. Settings(api)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["u3: 试用用户", "u1: beta, vip", "u2: (no tags)"], run.OutputLines);
    }

    [Fact]
    public async Task TagsGet_Json_PrintsOneObjectALine()
    {
        await using var api = await ClientAgainstSimulator.StartAsync();
        Assert.True((await api.AddAsync(new UserTags("u1", ["a"]))).IsSuccess);

        var run = await CliRun.RunAsync(["tags", "get", "--json", "u1", "u2", .. Settings(api)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["""{"user":"u1","tags":["a"]}""", """{"user":"u2","tags":[]}"""], run.OutputLines);
    }

    [Fact]
    public async Task TagsGet_MoreThanAHundredUsers_AsksAtMostAHundredACall()
    {
        await using var api = await ClientAgainstSimulator.StartAsync();
        var users = Enumerable.Range(0, 250).Select(i => $"user{i:D3}").ToArray();
        Assert.True((await api.AddAsync(new UserTags(users[^1], ["last"]))).IsSuccess);

        var run = await CliRun.RunAsync(["tags", "get", "--json", .. users, .. Settings(api)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(users, run.OutputLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("user").GetString()));
        Assert.Contains("\"last\"", run.OutputLines[^1], StringComparison.Ordinal);
        var stats = api.StatsOf(ImCommand.GetTag);
        Assert.Equal((3L, 250L), (stats.Succeeded, stats.Users));
    }

    [Fact]
    public async Task TagsGet_ApiRefuses_ExitsOneNamingTheCode()
    {
        await using var api = await ClientAgainstSimulator.StartAsync();
        api.Simulator.Faults = new FaultOptions { ForcedErrorCode = 90001 };

        var run = await CliRun.RunAsync(["tags", "get", "u1", .. Settings(api)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.StartsWith("tagworker: im_get_tag failed for 1 users (u1): Rejected: code 90001", run.Error, StringComparison.Ordinal);
    }

    private static string[] Settings(ClientAgainstSimulator api)
    {
        var options = api.Simulator.Options;
        return
        [
            "--ImApi:BaseUrl", api.Simulator.BaseAddress.ToString(),
            $"--ImApi:SdkAppId={options.SdkAppId.ToString(CultureInfo.InvariantCulture)}",
            $"--ImApi:AdminIdentifier={options.AdminIdentifier}",
            $"--ImApi:SecretKey={options.SecretKey}",
        ];
    }
}
