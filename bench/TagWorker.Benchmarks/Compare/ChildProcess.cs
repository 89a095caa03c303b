using System.Diagnostics;
using System.Globalization;
using TagWorker.EndToEnd.Tests.Processes;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// A consumer under measurement, as its own process: <c>dotnet &lt;dll&gt; …</c> for a dll beside this assembly (the
/// worker's <c>TagWorker.dll</c>, or this bench's own for the naive and intake consumers), so its CPU time and resident
/// set are its own (<see cref="ProcessMeter"/>). Output is drained continuously and its tail kept for failures;
/// disposing kills it if it still runs.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _output = new(200);

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => _output.ToString();

    /// <summary>Starts <paramref name="dll"/> from <paramref name="directory"/> (default: beside the bench).</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? directory = null)
    {
        directory ??= AppContext.BaseDirectory;
        var path = Path.Combine(directory, dll);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{dll} is not beside the bench; build bench/TagWorker.Benchmarks first.", path);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child._output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM (the host drains and exits), then waits; kills it if it has not ended within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
