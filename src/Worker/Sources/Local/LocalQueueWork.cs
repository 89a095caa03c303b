namespace TagWorker.Sources.Local;

/// <summary>
/// Something waiting for the local queue's I/O thread. It is acted on at most once: the thread takes it, or its
/// caller withdraws it (cancelled, or the queue was disposed) before the thread got to it, and then it never runs.
/// </summary>
internal abstract class LocalQueueWork
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Withdrawn = 2;

    private int _state;

    /// <summary>Claims it for the I/O thread; false if it was withdrawn.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Withdraws it; false if the I/O thread took it first (it then runs to its own end).</summary>
    public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting;

    /// <summary>Ends it with <paramref name="exception"/>; never throws.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Ends it as cancelled, if it can still be withdrawn.</summary>
    public void Cancel(CancellationToken cancellationToken)
    {
        if (TryWithdraw())
        {
            SetCanceled(cancellationToken);
        }
    }

    protected abstract void SetCanceled(CancellationToken cancellationToken);
}
