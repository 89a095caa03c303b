using TagWorker.Sources;

namespace TagWorker.Tests.TestDoubles;

/// <summary>A source that only answers whether a backlog is waiting; tests hand messages to the coordinator themselves.</summary>
internal sealed class BacklogSource : ITagEventSource
{
    private volatile bool _backlogWaiting;

    public bool BacklogWaiting
    {
        get => _backlogWaiting;
        set => _backlogWaiting = value;
    }

    public Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
}
