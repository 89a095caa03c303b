using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Sources.Local;

namespace TagWorker.Tests.Sources.Local;

/// <summary>A queue file in a fresh temporary directory, a fake clock, and cleanup of everything created on it.</summary>
internal sealed class LocalQueueTestContext : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _sources = [];
    private readonly List<LocalQueue> _queues = [];

    public LocalQueueTestContext(Action<LocalQueueOptions>? configure = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "tagworker-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Options = new LocalQueueOptions { Path = Path.Combine(Directory, "queue.db") };
        configure?.Invoke(Options);
    }

    public string Directory { get; }

    public LocalQueueOptions Options { get; }

    public FakeTimeProvider Time { get; } = new();

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public LocalQueue CreateQueue(string? path = null)
    {
        var options = Options;
        if (path is not null)
        {
            options = new LocalQueueOptions
            {
                Path = path,
                MaxDeliveryCount = Options.MaxDeliveryCount,
            };
        }

        var queue = new LocalQueue(Microsoft.Extensions.Options.Options.Create(options), Time, NullLogger<LocalQueue>.Instance);
        _queues.Add(queue);
        return queue;
    }

    /// <summary>A queue that has taken ownership of its file (so it may receive), as the source does when it runs.</summary>
    public async Task<LocalQueue> CreateOwnedQueueAsync(string? path = null)
    {
        var queue = CreateQueue(path);
        await queue.TakeOwnershipAsync(Cancellation);
        return queue;
    }

    public LocalQueueSource CreateSource(LocalQueue queue, ILogger<LocalQueueSource>? logger = null)
    {
        var source = new LocalQueueSource(
            queue, Microsoft.Extensions.Options.Options.Create(Options), Time, logger ?? NullLogger<LocalQueueSource>.Instance);
        _sources.Add(source);
        return source;
    }

    public static ReadOnlyMemory<byte> Body(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    public static IReadOnlyList<ReadOnlyMemory<byte>> Bodies(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => Body(prefix + i)).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        foreach (var queue in _queues)
        {
            queue.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
