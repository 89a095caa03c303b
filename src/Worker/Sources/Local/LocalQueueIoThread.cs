using System.Collections.Concurrent;

namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's own thread: every SQLite call of one <see cref="LocalQueue"/> runs here, one at a time, so the
/// synchronous I/O under Microsoft.Data.Sqlite's API never blocks a thread-pool thread (and the worker needs no
/// process-wide pool-thread minimum for it). Callers hand work over and await a task; the task's continuations run
/// on the pool, never here.
/// </summary>
/// <remarks>
/// Settlements queue apart from other calls and are group-committed: each turn writes every settlement waiting (up
/// to <see cref="MaxSettlementsPerTransaction"/>) in one transaction, then runs one other call, so a burst of
/// hundreds of thousands of completes costs a few dozen commits and a receive still gets a turn between them.
/// </remarks>
internal sealed class LocalQueueIoThread : IDisposable
{
    /// <summary>Bounds one group commit, so a receive waits behind at most one of them.</summary>
    public const int MaxSettlementsPerTransaction = 10_000;

    private readonly LocalQueueStore _store;
    private readonly ConcurrentQueue<LocalQueueCall> _calls = new();
    private readonly ConcurrentQueue<PendingSettlement> _settlements = new();
    private readonly object _gate = new();
    private readonly Thread _thread;
    private volatile bool _sleeping;
    private volatile bool _disposed;

    public LocalQueueIoThread(LocalQueueStore store)
    {
        _store = store;
        _thread = new Thread(Loop)
        {
            // A background thread: a queue that was never disposed must not keep the process alive.
            IsBackground = true,
            Name = "TagWorker local queue I/O",
        };
        _thread.Start();
    }

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Runs <paramref name="operation"/> on the I/O thread.</summary>
    public Task<T> RunAsync<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var call = new LocalQueueCall<T>(operation);
        if (!Hand(_calls, call))
        {
            return Task.FromException<T>(Disposed());
        }

        return cancellationToken.CanBeCanceled ? WithCancellation(call.Task, call, cancellationToken) : call.Task;
    }

    /// <summary>Queues <paramref name="settlement"/> for the next group commit.</summary>
    /// <remarks>The settlement itself ends every way this can go (so its message hears of it): cancelled before it was
    /// queued, refused by a disposed queue, written, failed.</remarks>
    public Task SettleAsync(PendingSettlement settlement, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            settlement.Cancel(cancellationToken);
            return settlement.Written;
        }

        if (!Hand(_settlements, settlement))
        {
            settlement.Fail(Disposed());
            return settlement.Written;
        }

        return cancellationToken.CanBeCanceled ? WithCancellation(settlement.Written, settlement, cancellationToken) : settlement.Written;
    }

    /// <summary>
    /// Stops the thread and waits for it: settlements already queued are written, other calls not yet started fail
    /// with <see cref="ObjectDisposedException"/>, then the file is closed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private bool Hand<T>(ConcurrentQueue<T> queue, T work)
        where T : LocalQueueWork
    {
        if (_disposed)
        {
            return false;
        }

        queue.Enqueue(work);

        // The enqueue (an interlocked operation, so a full fence) comes before this read, and the thread's write of
        // _sleeping comes before its own check for work: one of the two always sees the other.
        if (_sleeping)
        {
            lock (_gate)
            {
                Monitor.Pulse(_gate);
            }
        }

        // Disposed meanwhile: the thread may have made its last pass already, so take the work back if it can be.
        return !_disposed || !work.TryWithdraw();
    }

    private void Loop()
    {
        var batch = new List<PendingSettlement>();
        while (true)
        {
            var worked = WriteSettlements(batch);
            if (!_disposed && _calls.TryDequeue(out var call))
            {
                if (call.TryTake())
                {
                    call.Run();
                }

                worked = true;
            }

            if (worked)
            {
                continue;
            }

            if (_disposed)
            {
                break;
            }

            WaitForWork();
        }

        // A last pass for whatever was handed over before this thread saw the disposal (anything later its caller
        // takes back, or it is taken here): settlements are written, other calls refused.
        while (WriteSettlements(batch))
        {
        }

        while (_calls.TryDequeue(out var call))
        {
            if (call.TryTake())
            {
                call.Fail(Disposed());
            }
        }

        _store.Dispose();
    }

    // Writes one group commit of the settlements waiting; false when none were waiting.
    private bool WriteSettlements(List<PendingSettlement> batch)
    {
        var found = false;
        while (batch.Count < MaxSettlementsPerTransaction && _settlements.TryDequeue(out var settlement))
        {
            found = true;
            if (settlement.TryTake())
            {
                batch.Add(settlement);
            }
        }

        if (batch.Count > 0)
        {
            _store.WriteSettlements(batch);
            batch.Clear();
        }

        return found;
    }

    private void WaitForWork()
    {
        lock (_gate)
        {
            _sleeping = true;
            Interlocked.MemoryBarrier();
            while (_settlements.IsEmpty && _calls.IsEmpty && !_disposed)
            {
                Monitor.Wait(_gate);
            }

            _sleeping = false;
        }
    }

    private ObjectDisposedException Disposed() => new(nameof(LocalQueue), $"The local queue {_store.FilePath} was disposed.");

    private static async Task<T> WithCancellation<T>(Task<T> task, LocalQueueWork work, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static (state, token) => ((LocalQueueWork)state!).Cancel(token), work))
        {
            return await task.ConfigureAwait(false);
        }
    }

    private static async Task WithCancellation(Task task, LocalQueueWork work, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static (state, token) => ((LocalQueueWork)state!).Cancel(token), work))
        {
            await task.ConfigureAwait(false);
        }
    }
}
