using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Sources.Local;

namespace TagWorker.Tests.Cli;

/// <summary>A temporary local queue file, and what is on it after a verb ran against it.</summary>
internal sealed class TemporaryQueue : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("tagworker-cli-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "queue.db");

    public string Directory => _directory;

    public string Setting => $"--LocalQueue:Path={Path}";

    /// <summary>Puts <paramref name="bodies"/> on the queue (and lets go of the file, so a worker process can own it).</summary>
    public async Task EnqueueAsync(params string[] bodies)
    {
        using var queue = Open();
        await queue.EnqueueAsync([.. bodies.Select(b => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(b))], TestContext.Current.CancellationToken);
    }

    /// <summary>Every event on the queue, in queue order (read by leasing them).</summary>
    public async Task<IReadOnlyList<TagChangeEvent>> ReadAllAsync()
    {
        using var queue = Open();
        var messages = await queue.ReceiveAsync(1_000, TestContext.Current.CancellationToken);
        return [.. messages.Select(m =>
        {
            var parsed = TagChangeEventParser.Parse(m.Body.Span);
            Assert.True(parsed.IsValid, parsed.Describe());
            return parsed.Event;
        })];
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may linger a moment; the temp folder is cleaned by the OS.
        }
    }

    private LocalQueue Open() =>
        new(Options.Create(new LocalQueueOptions { Path = Path }), TimeProvider.System, NullLogger<LocalQueue>.Instance);
}
