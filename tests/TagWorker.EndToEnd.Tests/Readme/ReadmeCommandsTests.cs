using System.Collections.Frozen;
using System.Net;
using System.Text;

namespace TagWorker.EndToEnd.Tests.Readme;

/// <summary>
/// Every command the README shows works on a fresh clone, run from the clone's root exactly as written there: the
/// service answers /healthz and exits 0 on SIGTERM, every other command exits 0, and the demo's state check passes.
/// </summary>
public sealed class ReadmeCommandsTests
{
    private static readonly TimeSpan GitTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// What the commands run with besides the user's environment: the service listens on a free loopback port instead
    /// of appsettings.json's 0.0.0.0:8080 (which another run on this machine may hold), and the builds leave no
    /// MSBuild or compiler server behind when the test ends.
    /// </summary>
    private static readonly FrozenDictionary<string, string> CommandEnvironment = new Dictionary<string, string>
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
    }.ToFrozenDictionary();

    [Fact(Timeout = 40 * 60 * 1000)]
    public async Task Readme_EveryCommandOnAFreshClone_Works()
    {
        await using var clone = await RepositoryClone.CreateAsync(GitTimeout);
        var commands = ReadmeCommands.Extract(await File.ReadAllTextAsync(Path.Combine(clone.Root, "README.md"), TestContext.Current.CancellationToken));
        Assert.Contains(commands, c => c.Kind == ReadmeCommandKind.Service);
        Assert.Contains(commands, c => c.Kind == ReadmeCommandKind.Demo);
        Assert.Contains(commands, c => c.Line.Contains(" enqueue ", StringComparison.Ordinal));
        // CI runs exactly the README's test command (.ci/run): it must stay plain `dotnet test`.
        Assert.Equal("dotnet test", Assert.Single(commands, c => c.Kind == ReadmeCommandKind.Tests).Line);

        // Not a README command: builds the worker once so that the commands' time limits are about them, not the
        // first build of a fresh clone. A clone that does not build fails here.
        await RunToEndAsync("dotnet build src/Worker", clone.Root, BuildTimeout);

        var log = new StringBuilder();
        foreach (var command in commands)
        {
            var output = command.Kind switch
            {
                // Skipped: `dotnet test` would run this test again, recursively. It is what CI runs anyway.
                ReadmeCommandKind.Tests => "(skipped: it would run this test again)",
                ReadmeCommandKind.Service => await RunServiceAsync(command, clone.Root),
                ReadmeCommandKind.Demo => await RunDemoAsync(command, clone.Root),
                _ => await RunToEndAsync(command.Line, clone.Root, CommandTimeout),
            };
            log.Append("$ ").AppendLine(command.Line).AppendLine(output);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"README commands on a fresh clone at {clone.Commit}:\n{log}");
    }

    private static async Task<string> RunServiceAsync(ReadmeCommand command, string root)
    {
        // exec: the signal must reach `dotnet run` (which passes it on to the worker), not a shell waiting for it.
        await using var service = ShellCommand.Start($"exec {command.Line}", root, CommandEnvironment);
        var listening = await service.WaitForLineAsync(@"TagWorker service listening on (http://[^\s,]+)", CommandTimeout);

        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
        {
            using var health = await http.GetAsync(new Uri(new Uri(listening.Groups[1].Value), "/healthz"), TestContext.Current.CancellationToken);
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{command}: /healthz answered {health.StatusCode}\n{service.Output}");
        }

        await service.TerminateAsync();
        var exitCode = await service.WaitForExitAsync(StopTimeout);
        Assert.True(exitCode == 0, $"{command}: exited {exitCode} on SIGTERM\n{service.Output}");
        return service.Output;
    }

    private static async Task<string> RunDemoAsync(ReadmeCommand command, string root)
    {
        var output = await RunToEndAsync(command.Line, root, DemoTimeout);
        Assert.True(output.Contains("state check         PASSED", StringComparison.Ordinal), $"{command}: the state check did not pass\n{output}");
        // Not a terminal here: the progress must come as plain lines, not one line redrawn with \r.
        Assert.DoesNotContain('\r', output);
        return output;
    }

    private static async Task<string> RunToEndAsync(string commandLine, string root, TimeSpan timeout)
    {
        await using var command = ShellCommand.Start(commandLine, root, CommandEnvironment);
        var exitCode = await command.WaitForExitAsync(timeout);
        Assert.True(exitCode == 0, $"{commandLine}: exited {exitCode}\n{command.Output}");
        return command.Output;
    }
}
