namespace TagWorker.Sources.Local;

/// <summary>An operation the I/O thread runs by itself (everything but settlements, which it writes in batches).</summary>
internal abstract class LocalQueueCall : LocalQueueWork
{
    /// <summary>Runs it on the I/O thread and completes its task; never throws.</summary>
    public abstract void Run();
}

/// <summary>An operation with a result, completed through a task whose continuations never run on the I/O thread.</summary>
internal sealed class LocalQueueCall<T>(Func<T> operation) : LocalQueueCall
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _done.Task;

    public override void Run()
    {
        try
        {
            _done.TrySetResult(operation());
        }
        catch (Exception exception)
        {
            _done.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _done.TrySetException(exception);

    protected override void SetCanceled(CancellationToken cancellationToken) => _done.TrySetCanceled(cancellationToken);
}
