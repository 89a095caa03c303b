using Microsoft.Data.Sqlite;
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

    /// <summary>
    /// Every event on the queue, in queue order. Read straight from the file, without leasing: a receive would make
    /// the test the queue's owner, and what is checked here is only what the verb put there.
    /// </summary>
    public async Task<IReadOnlyList<TagChangeEvent>> ReadAllAsync()
    {
        var events = new List<TagChangeEvent>();
        if (!File.Exists(Path))
        {
            // Nothing opened the queue, so nothing was put on it.
            return events;
        }

        await using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM messages ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var parsed = TagChangeEventParser.Parse((byte[])reader.GetValue(0));
            Assert.True(parsed.IsValid, parsed.Describe());
            events.Add(parsed.Event);
        }

        return events;
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
