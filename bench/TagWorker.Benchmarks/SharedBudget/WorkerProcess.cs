using System.Diagnostics;

namespace TagWorker.Benchmarks.SharedBudget;

/// <summary>The built worker (<c>TagWorker.dll</c> next to this benchmark) run as a service in a child process, its output kept in a file.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private WorkerProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public static WorkerProcess Start(IReadOnlyDictionary<string, string> settings, string logPath)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TagWorker.dll");
        var arguments = new List<string> { dll };
        arguments.AddRange(settings.Select(setting => $"--{setting.Key}={setting.Value}"));
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, log, logPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
