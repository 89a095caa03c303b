using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>One log entry captured by <see cref="ListLogger{T}"/>.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A logger that keeps every entry, for asserting what was logged and for waiting until something was.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<LogEntry> _entries = [];
    private readonly Channel<LogEntry> _stream = Channel.CreateUnbounded<LogEntry>();

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = new LogEntry(logLevel, eventId, formatter(state, exception), exception);
        lock (_entries)
        {
            _entries.Add(entry);
        }

        _stream.Writer.TryWrite(entry);
    }

    /// <summary>
    /// The next entry with <paramref name="eventId"/> (and matching <paramref name="match"/>) not passed over by an
    /// earlier call; entries logged before the call count.
    /// </summary>
    public async Task<LogEntry> NextAsync(int eventId, Func<LogEntry, bool>? match = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestMessages.Timeout);
        while (true)
        {
            LogEntry entry = await _stream.Reader.ReadAsync(timeout.Token);
            if (entry.EventId.Id == eventId && (match is null || match(entry)))
            {
                return entry;
            }
        }
    }
}
