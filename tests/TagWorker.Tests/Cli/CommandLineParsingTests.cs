using TagWorker.Cli;

namespace TagWorker.Tests.Cli;

/// <summary>Strict tokens: anything that is not a verb, an option, an argument or a setting stops the run before any host is built.</summary>
public class CommandLineParsingTests
{
    [Theory]
    [InlineData(new[] { "deadleters", "list" }, "deadleters")]
    [InlineData(new[] { "demo", "--evnts", "10" }, "--evnts")]
    [InlineData(new[] { "deadletters", "lst" }, "lst")]
    [InlineData(new[] { "deadletters", "list", "--jsno" }, "--jsno")]
    [InlineData(new[] { "--ImApi:Region=Singapore", "serve" }, "serve")]
    [InlineData(new[] { "-x" }, "-x")]
    public async Task Run_UnknownToken_ExitsTwoWithOneLineNamingItAndRunsNothing(string[] args, string token)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"tagworker: unknown verb or option '{token}'", run.Error.TrimEnd('\n'));
        Assert.Empty(run.Output);
        Assert.Equal(0, run.HostsBuilt);
    }

    [Theory]
    [InlineData(new[] { "deadletters" }, "deadletters needs one of: list, show, replay, purge")]
    [InlineData(new[] { "tags" }, "tags needs one of: get")]
    [InlineData(new[] { "deadletters", "replay" }, "replay needs dead letter ids or --all")]
    [InlineData(new[] { "deadletters", "purge", "1", "--all" }, "purge takes dead letter ids or --all, not both")]
    [InlineData(new[] { "--LocalQueue:Path" }, "the setting '--LocalQueue:Path' has no value (use --LocalQueue:Path=VALUE)")]
    public async Task Run_IncompleteCommand_ExitsTwoWithTheReasonAndRunsNothing(string[] args, string reason)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"tagworker: {reason}", run.Error.TrimEnd('\n'));
        Assert.Equal(0, run.HostsBuilt);
    }

    [Fact]
    public async Task Run_MissingArgument_ExitsTwoWithOneLine()
    {
        var run = await CliRun.RunAsync(["tags", "get"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tagworker: ", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, run.HostsBuilt);
    }

    [Fact]
    public async Task Run_Help_ListsEveryVerbAndExitsZero()
    {
        var run = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in new[] { "demo", "enqueue", "tags", "deadletters" })
        {
            Assert.Contains(verb, run.Output, StringComparison.Ordinal);
        }

        Assert.Equal(0, run.HostsBuilt);
    }

    [Fact]
    public async Task Run_InvalidSettingForAVerb_ExitsTwoNamingTheKey()
    {
        var directory = Directory.CreateTempSubdirectory("tagworker-cli-").FullName;
        try
        {
            var file = Path.Combine(directory, "events.jsonl");
            await File.WriteAllTextAsync(file, """{"version":1,"eventId":"e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1"],"tags":["vip"]}""" + "\n", TestContext.Current.CancellationToken);

            var run = await CliRun.RunAsync(["enqueue", file, "--LocalQueue:Path", Path.Combine(directory, "q.db"), "--LocalQueue:MaxDeliveryCount=0"]);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("LocalQueue:MaxDeliveryCount", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Invocation_LeavesTerminationSignalsToTheHost()
    {
        // A System.CommandLine default (2 s on its release branch) would end the process mid-drain after SIGTERM.
        var invocation = TagWorkerCommandLine.Invocation(new CommandLineContext(TextWriter.Null, TextWriter.Null));

        Assert.Null(invocation.ProcessTerminationTimeout);
    }
}
