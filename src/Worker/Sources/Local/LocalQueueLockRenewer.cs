using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TagWorker.Sources.Local;

/// <summary>
/// Keeps the locks of handed-out, unsettled messages from expiring, like Service Bus's processor does: a pass every
/// quarter of <see cref="LocalQueueOptions.LockDuration"/> renews, in one transaction per chunk, every lock with half
/// of its duration or less left, so a lock is renewed with at least a quarter of its duration to spare. A message
/// stops being renewed once settled, once its lock is lost, or <see cref="LocalQueueOptions.MaxAutoLockRenewal"/>
/// after it was received. Runs from <see cref="Start"/> until disposed, independent of any receive loop, so
/// messages still held by the pipeline during shutdown stay leased.
/// </summary>
internal sealed class LocalQueueLockRenewer : IAsyncDisposable
{
    // Bounds one renewal transaction, so settlements and receives are not held up behind thousands of renewals.
    private const int MaxLocksPerTransaction = 1000;

    private readonly ConcurrentDictionary<long, LocalQueueMessage> _outstanding = new();

    // Never disposed: it has no timer or linked token to release, and the loop may still observe it after Stop.
    private readonly CancellationTokenSource _stop = new();
    private readonly LocalQueue _queue;
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private Task? _loop;
    private int _started;
    private int _disposed;

    public LocalQueueLockRenewer(LocalQueue queue, LocalQueueOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _queue = queue;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop = RunAsync(_stop.Token);
        }
    }

    public void Track(LocalQueueMessage message) => _outstanding[message.SequenceNumber] = message;

    public void Untrack(LocalQueueMessage message) =>
        _outstanding.TryRemove(KeyValuePair.Create(message.SequenceNumber, message));

    /// <summary>Stops the renewal loop and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Stop();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the renewal loop without waiting; it ends at its next wait.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = _options.LockDuration / 4;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _timeProvider, cancellationToken).ConfigureAwait(false);
                await RenewDueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewDueAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var due = new List<LocalQueueMessage>();
        foreach (var message in _outstanding.Values)
        {
            if (message.IsSettled || now - message.ReceivedAt >= _options.MaxAutoLockRenewal)
            {
                Untrack(message);
            }
            else if (message.LockedUntil - now <= _options.LockDuration / 2)
            {
                due.Add(message);
            }
        }

        foreach (var chunk in due.Chunk(MaxLocksPerTransaction))
        {
            try
            {
                await RenewAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failed pass is not fatal: the locks still have at least a quarter of their duration left,
                // and the next pass tries again.
                LocalQueueLog.LockRenewalFailed(_logger, exception);
            }
        }
    }

    private async Task RenewAsync(LocalQueueMessage[] messages, CancellationToken cancellationToken)
    {
        var renewal = await _queue.RenewLocksAsync(Array.ConvertAll(messages, m => m.Lock), cancellationToken)
            .ConfigureAwait(false);
        var lost = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (renewal.Renewed[i])
            {
                message.SetLockedUntil(renewal.LockedUntil);
            }
            else if (!message.IsSettled)
            {
                // Not settled by us, yet the token no longer holds it: the lock expired and another receive took it.
                lost++;
                Untrack(message);
                LocalQueueLog.LockLost(_logger, message.MessageId, message.SequenceNumber);
            }
        }

        LocalQueueLog.LocksRenewed(_logger, messages.Length - lost, lost);
    }
}
