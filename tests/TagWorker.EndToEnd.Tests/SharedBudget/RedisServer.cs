using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TagWorker.EndToEnd.Tests.SharedBudget;

/// <summary>
/// A real <c>redis-server</c> (Debian package <c>redis-server</c>) started by the test on a free loopback port, without
/// persistence; it can be stopped and started again on the same port. Without the binary the test is skipped on a
/// developer's machine and fails under CI (<c>CI=true</c>), where <c>.ci/run</c> installs it.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);
    private Process? _process;

    private RedisServer(string binary, int port)
    {
        Binary = binary;
        Port = port;
    }

    public string Binary { get; }

    public int Port { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static async Task<RedisServer> StartAsync()
    {
        var binary = Locate();
        if (binary is null)
        {
            const string Missing = "redis-server is not installed (apt-get install -y redis-server).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Missing + " CI must provide it.");
            }

            Assert.Skip(Missing);
        }

        var server = new RedisServer(binary, FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Binary, ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited before it accepted connections."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await ready.Task.WaitAsync(StartPatience, TestContext.Current.CancellationToken);
    }

    /// <summary>Kills the server (as an outage would) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static string? Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
