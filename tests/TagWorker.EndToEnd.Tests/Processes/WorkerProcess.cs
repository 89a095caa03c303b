using System.Diagnostics;
using System.Globalization;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// The real TagWorker CLI as a child process: <c>dotnet TagWorker.dll …</c>, the dll the build copied next to this
/// assembly (a referenced executable project brings its dll, runtimeconfig and deps files along). Not
/// <c>dotnet run</c>: that builds first and takes seconds. Its output is drained continuously (a full pipe would
/// block the worker) and the last lines are kept for failure messages. Disposing kills the process if it still runs,
/// so a failed test never leaves one behind.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>The exit code .NET reports for a process ended by SIGKILL (128 + signal 9).</summary>
    public const int SigKillExitCode = 137;

    private readonly Process _process;
    private readonly OutputTail _output = new(200);
    private bool _disposed;

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Where the worker's dll is expected: beside the running assembly.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "TagWorker.dll");

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last 50 lines the process wrote.</summary>
    public string Output => _output.ToString();

    /// <summary>The last <paramref name="count"/> lines the process wrote.</summary>
    public string LastOutput(int count) => _output.Last(count);

    /// <summary>
    /// Starts <c>dotnet TagWorker.dll</c> with <paramref name="arguments"/> (a verb, or none for the service, then
    /// <c>--Section:Key=value</c> settings) and extra environment variables (for values that must stay out of the
    /// process list, such as the API key).
    /// </summary>
    /// <exception cref="FileNotFoundException">The worker's dll is not beside this assembly.</exception>
    public static WorkerProcess Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"The worker's dll is not beside the test assembly; build the solution first.", DllPath);
        }

        // dotnet test and dotnet build set DOTNET_HOST_PATH to the muxer that runs them; use the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, name);
        process.OutputDataReceived += (_, e) => worker._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => worker._output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for the process to end; returns its exit code.</summary>
    /// <exception cref="TimeoutException">It did not end within <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) did not exit within {timeout}. Its last output:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// SIGKILL, no warning: <see cref="Process.Kill(bool)"/> on Linux stops the tree (SIGSTOP) and sends SIGKILL to
    /// each process (checked with strace; the exit code is then <see cref="SigKillExitCode"/>). Returns the exit code.
    /// </summary>
    public Task<int> KillAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        return WaitForExitAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// SIGTERM, what Kubernetes and systemd send to stop a service: the host drains and exits. .NET has no API for
    /// it, so <c>kill -TERM</c> sends it. Returns the exit code.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (kill.ExitCode != 0 && !HasExited)
            {
                throw new InvalidOperationException($"kill -TERM {Id} failed with exit code {kill.ExitCode}.");
            }
        }

        return await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
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
