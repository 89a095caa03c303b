using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>
/// Which endpoints are in an outage: a sustained rate of retryable faults opened their Polly circuit breaker (see
/// <see cref="RequestDispatcher"/>). While any is open the worker takes no new messages (intake waits, readiness
/// fails naming the endpoint and fault) and holds what it has: calls wait for the breaker to let one through
/// instead of exhausting their retries, so nothing is abandoned into a growing delivery count. A call that
/// succeeds closes it.
/// </summary>
public sealed class OutageCircuit
{
    private readonly object _gate = new();
    private readonly Dictionary<ImCommand, string> _open = [];
    private TaskCompletionSource _closed = Completed();

    /// <summary>Whether any endpoint's outage circuit is open.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open.Count > 0;
            }
        }
    }

    /// <summary>A description of the open endpoints and their last fault, or null while none is open.</summary>
    public string? Cause
    {
        get
        {
            lock (_gate)
            {
                return _open.Count == 0 ? null : string.Join("; ", _open.Select(static p => $"{ImCommandPaths.ToSegment(p.Key)}: {p.Value}"));
            }
        }
    }

    /// <summary>Completes when no endpoint is in an outage (at once while none is).</summary>
    public Task WhenClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed.Task;
            }
        }
    }

    internal void Opened(ImCommand command, string fault)
    {
        lock (_gate)
        {
            if (_open.Count == 0)
            {
                _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _open[command] = fault;
        }
    }

    internal void Closed(ImCommand command)
    {
        TaskCompletionSource? closed = null;
        lock (_gate)
        {
            if (_open.Remove(command) && _open.Count == 0)
            {
                closed = _closed;
            }
        }

        closed?.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
