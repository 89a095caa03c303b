using Microsoft.Extensions.Logging;

namespace TagWorker.Tests.Sources.Local;

/// <summary>A logger that completes <see cref="Logged"/> the first time an event with the given id is logged.</summary>
internal sealed class EventSignalLogger<T>(int signalEventId) : ILogger<T>
{
    private readonly TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Logged => _logged.Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == signalEventId)
        {
            _logged.TrySetResult();
        }
    }
}
