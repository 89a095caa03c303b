using Polly.CircuitBreaker;
using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>
/// Open while the API answers with a configuration fault (not an admin, app disabled, signature that does not verify
/// after renewal...). Such faults are ours, not the messages': while open the worker takes no messages, readiness
/// fails, and calls are refused so their messages are abandoned rather than dead-lettered. Built on Polly's manual
/// circuit control so that every call through the dispatch pipeline is refused by Polly itself while isolated.
/// </summary>
public sealed class ConfigurationFaultCircuit
{
    private readonly object _gate = new();
    private TaskCompletionSource _opened = NewSignal();
    private TaskCompletionSource _closed = NewSignal();
    private readonly HashSet<ImCommand> _failedEndpoints = [];
    private volatile string? _fault;

    public ConfigurationFaultCircuit()
    {
        _closed.SetResult();
    }

    /// <summary>Polly's control for the circuit breaker strategy in the dispatch pipeline.</summary>
    public CircuitBreakerManualControl ManualControl { get; } = new();

    /// <summary>Whether calls are refused.</summary>
    public bool IsOpen => _fault is not null;

    /// <summary>What opened the circuit (code and text), or null while closed.</summary>
    public string? Fault => _fault;

    /// <summary>Completes when the circuit opens (a fresh task after each close).</summary>
    public Task WhenOpened
    {
        get
        {
            lock (_gate)
            {
                return _opened.Task;
            }
        }
    }

    /// <summary>Completes when the circuit is closed (at once while it is).</summary>
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

    /// <summary>The endpoints whose answers opened the circuit (the probe tests each of them); empty while closed.</summary>
    public IReadOnlyCollection<ImCommand> FailedEndpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _failedEndpoints];
            }
        }
    }

    public Task OpenAsync(string fault, CancellationToken cancellationToken) => OpenAsync(fault, endpoint: null, cancellationToken);

    /// <summary>Opens the circuit because <paramref name="endpoint"/> answered with a configuration fault.</summary>
    public async Task OpenAsync(string fault, ImCommand? endpoint, CancellationToken cancellationToken)
    {
        await ManualControl.IsolateAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (endpoint is { } failed)
            {
                _failedEndpoints.Add(failed);
            }

            if (_fault is not null)
            {
                return;
            }

            _fault = fault;
            _closed = NewSignal();
            _opened.TrySetResult();
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await ManualControl.CloseAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_fault is null)
            {
                return;
            }

            _fault = null;
            _failedEndpoints.Clear();
            _opened = NewSignal();
            _closed.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
