using System.Diagnostics;

namespace TagWorker.EndToEnd.Tests.Readme;

/// <summary>
/// A fresh <c>git clone</c> of the repository these tests were built from, checked out at its committed HEAD, in a
/// temporary folder deleted on dispose: what a new user gets, without the working tree's build output or changes.
/// </summary>
internal sealed class RepositoryClone : IAsyncDisposable
{
    private readonly string _parent;

    private RepositoryClone(string parent, string root, string commit)
    {
        _parent = parent;
        Root = root;
        Commit = commit;
    }

    /// <summary>The clone's root folder.</summary>
    public string Root { get; }

    /// <summary>The commit it is checked out at.</summary>
    public string Commit { get; }

    public static async Task<RepositoryClone> CreateAsync(TimeSpan timeout)
    {
        var source = FindRepositoryRoot();
        var commit = (await GitAsync(source, timeout, "rev-parse", "HEAD")).Trim();
        var parent = Directory.CreateTempSubdirectory("tagworker-readme-").FullName;
        var root = Path.Combine(parent, "tagworker");
        try
        {
            await GitAsync(parent, timeout, "clone", "--quiet", "--no-checkout", source, root);
            await GitAsync(root, timeout, "checkout", "--quiet", "--detach", commit);
            return new RepositoryClone(parent, root, commit);
        }
        catch
        {
            Directory.Delete(parent, recursive: true);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_parent, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The nearest folder above the test binaries that holds <c>.git</c> (a folder, or a file in a worktree).</summary>
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds .git: the README test needs the repository it was built from.");
    }

    private static async Task<string> GitAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = git.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await git.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)} exited {git.ExitCode}: {await error}");
        return await output;
    }
}
