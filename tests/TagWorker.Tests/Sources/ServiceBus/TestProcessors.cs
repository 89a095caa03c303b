using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// Start/stop bookkeeping shared by the processor doubles. Stopping cancels the processor token and then, like the
/// SDK, waits for every in-flight handler to return.
/// </summary>
internal sealed class ProcessorLifecycle : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _handlers = [];

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StopRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Token => _stopping.Token;

    public CancellationToken StopToken { get; private set; }

    public bool Disposed { get; set; }

    public void Dispose() => _stopping.Dispose();

    public Task Track(Task handler)
    {
        lock (_handlers)
        {
            _handlers.Add(handler);
        }

        return handler;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StopToken = cancellationToken;
        StopRequested.TrySetResult();
        await _stopping.CancelAsync();
        Task[] handlers;
        lock (_handlers)
        {
            handlers = [.. _handlers];
        }

        await Task.WhenAll(handlers);
    }
}

/// <summary>A <see cref="ServiceBusProcessor"/> test double built with its protected (mocking) constructor.</summary>
internal sealed class TestProcessor : ServiceBusProcessor
{
    public ProcessorLifecycle Lifecycle { get; } = new();

    public Task DeliverAsync(ProcessMessageEventArgs args) => Lifecycle.Track(OnProcessMessageAsync(args));

    public Task RaiseErrorAsync(ProcessErrorEventArgs args) => OnProcessErrorAsync(args);

    public override Task StartProcessingAsync(CancellationToken cancellationToken = default)
    {
        Lifecycle.Started.TrySetResult();
        return Task.CompletedTask;
    }

    public override Task StopProcessingAsync(CancellationToken cancellationToken = default) => Lifecycle.StopAsync(cancellationToken);

    // DisposeAsync is not overridable; it closes through CloseAsync.
    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Lifecycle.Disposed = true;
        return Task.CompletedTask;
    }
}

/// <summary>
/// A <see cref="ServiceBusSessionProcessor"/> test double. The session processor keeps its handlers on an inner
/// processor, so the mocking constructor needs <see cref="InnerProcessor"/> supplied.
/// </summary>
internal sealed class TestSessionProcessor : ServiceBusSessionProcessor
{
    private readonly TestProcessor _inner = new();

    public ProcessorLifecycle Lifecycle { get; } = new();

    protected override ServiceBusProcessor InnerProcessor => _inner;

    public Task DeliverAsync(ProcessSessionMessageEventArgs args) => Lifecycle.Track(OnProcessSessionMessageAsync(args));

    public Task RaiseErrorAsync(ProcessErrorEventArgs args) => OnProcessErrorAsync(args);

    public override Task StartProcessingAsync(CancellationToken cancellationToken = default)
    {
        Lifecycle.Started.TrySetResult();
        return Task.CompletedTask;
    }

    public override Task StopProcessingAsync(CancellationToken cancellationToken = default) => Lifecycle.StopAsync(cancellationToken);

    // DisposeAsync is not overridable; it closes through CloseAsync.
    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Lifecycle.Disposed = true;
        return Task.CompletedTask;
    }
}
