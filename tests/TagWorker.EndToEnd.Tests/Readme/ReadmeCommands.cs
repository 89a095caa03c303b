using System.Text;

namespace TagWorker.EndToEnd.Tests.Readme;

/// <summary>What a README command is, for running it: how to tell it worked depends on what it does.</summary>
internal enum ReadmeCommandKind
{
    /// <summary>Runs and exits; must exit 0.</summary>
    OneShot,

    /// <summary>The demo: must exit 0 and print that the state check PASSED.</summary>
    Demo,

    /// <summary>The worker service: runs until stopped; must answer /healthz, then exit 0 on SIGTERM.</summary>
    Service,

    /// <summary><c>dotnet test</c>: not run, it would run this test again (and again).</summary>
    Tests,
}

/// <summary>One command line of a <c>```bash</c> block of the README, as written there.</summary>
internal sealed record ReadmeCommand(string Line, ReadmeCommandKind Kind)
{
    public override string ToString() => Line;
}

/// <summary>Reads the commands of the README's <c>```bash</c> blocks (comments kept: bash drops them).</summary>
internal static class ReadmeCommands
{
    private const string WorkerRun = "dotnet run --project src/Worker";

    public static IReadOnlyList<ReadmeCommand> Extract(string markdown)
    {
        var commands = new List<ReadmeCommand>();
        var inBash = false;
        var pending = new StringBuilder();
        foreach (var raw in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBash = !inBash && line.Trim() == "```bash";
                continue;
            }

            if (!inBash || (pending.Length == 0 && (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))))
            {
                continue;
            }

            // A trailing backslash continues the command on the next line, as in the shell.
            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            pending.Append(line);
            var command = pending.ToString().Trim();
            pending.Clear();
            commands.Add(new ReadmeCommand(command, KindOf(command)));
        }

        return commands;
    }

    private static ReadmeCommandKind KindOf(string command)
    {
        var code = StripComment(command);
        if (code.StartsWith("dotnet test", StringComparison.Ordinal))
        {
            return ReadmeCommandKind.Tests;
        }

        if (code.StartsWith(WorkerRun, StringComparison.Ordinal))
        {
            var verb = code.IndexOf(" -- ", StringComparison.Ordinal) is var at and >= 0
                ? code[(at + 4)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => !t.StartsWith("--", StringComparison.Ordinal))
                : null;
            return verb switch
            {
                null => ReadmeCommandKind.Service,
                "demo" => ReadmeCommandKind.Demo,
                _ => ReadmeCommandKind.OneShot,
            };
        }

        return ReadmeCommandKind.OneShot;
    }

    private static string StripComment(string command)
    {
        var hash = command.IndexOf(" #", StringComparison.Ordinal);
        return (hash < 0 ? command : command[..hash]).Trim();
    }
}
