using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TagWorker.Tests.TestDoubles;

/// <summary>Keeps every log line of the pipeline under test, so that a failing property can show what happened.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The lines that mention <paramref name="text"/>, oldest first, at most <paramref name="count"/> of the last ones.</summary>
    public IEnumerable<string> Mentioning(string text, int count) => _lines.Where(l => l.Contains(text, StringComparison.Ordinal)).TakeLast(count);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(exception is null ? $"{category}: {formatter(state, exception)}" : $"{category}: {formatter(state, exception)} ({exception.GetType().Name}: {exception.Message})");
    }
}
