using Microsoft.Extensions.Options;

namespace TagWorker.Sources.Local;

/// <summary>
/// Receives from the <see cref="LocalQueue"/>: the first <see cref="RunAsync"/> takes the queue's ownership (which
/// reclaims every lease a dead owner left) and holds it until the source is disposed; every later one first
/// reclaims the leases no handed-out message holds (a settle that failed). Then it leases batches of up to
/// <see cref="LocalQueueOptions.ReceiveBatchSize"/> messages while fewer than
/// <see cref="LocalQueueOptions.MaxConcurrentMessages"/> are unsettled, and polls every
/// <see cref="LocalQueueOptions.PollInterval"/> when the queue is empty. Leases do not expire while the source owns
/// the queue, so nothing is renewed, and messages can still be settled after <see cref="RunAsync"/> returned. A
/// storage failure, or another worker owning the file, ends <see cref="RunAsync"/> with its exception.
/// </summary>
public sealed class LocalQueueSource : ITagEventSource, IAsyncDisposable, IDisposable
{
    private readonly LocalQueue _queue;
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LocalQueueSource> _logger;
    private readonly int _maxUnsettled;
    private readonly Lock _batchesLock = new();

    // The handed-out batches with a message not yet settled (read only to reclaim at a later session's start).
    private readonly HashSet<HandedOutBatch> _batches = [];
    private volatile LocalQueueOwnership? _ownership;
    private volatile bool _backlogWaiting;

    // Messages leased (or being leased) and not yet settled: the receive loop adds before it leases, a settlement's
    // end subtracts. When the loop finds no room it parks a waiter that the next settlement's end wakes.
    private int _unsettled;
    private TaskCompletionSource? _roomWaiter;
    private int _running;
    private int _disposed;

    public LocalQueueSource(
        LocalQueue queue, IOptions<LocalQueueOptions> options, TimeProvider timeProvider, ILogger<LocalQueueSource> logger)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _queue = queue;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxUnsettled = _options.MaxConcurrentMessages;
    }

    /// <summary>Messages received (handed out, or being handed out) and not yet settled.</summary>
    public int UnsettledCount => Volatile.Read(ref _unsettled);

    /// <summary>
    /// Whether the last receive of the running session came back full (it read one row past its batch and found it):
    /// more messages are waiting than were leased. False when not running.
    /// </summary>
    public bool BacklogWaiting => _backlogWaiting;

    /// <inheritdoc />
    /// <remarks>Only one call may run at a time. Messages received but not yet handed out when
    /// <paramref name="cancellationToken"/> fires, or when <paramref name="onMessage"/> throws, are abandoned.</remarks>
    /// <exception cref="InvalidOperationException">Another worker owns the queue file (the message names the file and its process id).</exception>
    public async Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The local queue source is already running.");
        }

        try
        {
            await ReclaimAsync(cancellationToken).ConfigureAwait(false);
            LocalQueueLog.SourceStarted(_logger, _options.MaxConcurrentMessages);
            while (true)
            {
                var batch = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (batch is null)
                {
                    await Task.Delay(_options.PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await HandOutAsync(batch, onMessage, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _backlogWaiting = false;
            LocalQueueLog.SourceStopped(_logger, UnsettledCount);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Gives up the queue's ownership. Unsettled messages stay leased until the next owner reclaims them.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ownership?.Dispose();
        }
    }

    // Before the session's first receive, everything leased that this process is not holding comes back, so nothing
    // newer can be handed out ahead of it: on the first run every lease (a dead owner's), later only those left by a
    // settle that failed.
    private async Task ReclaimAsync(CancellationToken cancellationToken)
    {
        if (_ownership is null)
        {
            _ownership = await _queue.TakeOwnershipAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var held = new List<long>();
        lock (_batchesLock)
        {
            foreach (var batch in _batches)
            {
                batch.CollectUnsettled(held);
            }
        }

        await _queue.ReclaimLeasesAsync(held, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HandedOutBatch?> ReceiveAsync(CancellationToken cancellationToken)
    {
        // Lease up to every free place (at most a batch), after waiting for one if there is none. Only this loop adds
        // to the count, so what it found free stays free while the receive runs.
        var slots = await FreePlacesAsync(cancellationToken).ConfigureAwait(false);
        var received = await _queue.ReceiveBatchAsync(slots, cancellationToken).ConfigureAwait(false);
        var leased = received.Messages;
        _backlogWaiting = received.MoreAvailable;
        if (leased.Count == 0)
        {
            return null;
        }

        Interlocked.Add(ref _unsettled, leased.Count);

        var batch = new HandedOutBatch(this, leased);
        lock (_batchesLock)
        {
            _batches.Add(batch);
        }

        return batch;
    }

    private async ValueTask<int> FreePlacesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var free = _maxUnsettled - Volatile.Read(ref _unsettled);
            if (free > 0)
            {
                return Math.Min(free, _options.ReceiveBatchSize);
            }

            // The exchange is a full fence before the count is read again, and a settlement's end decrements (a full
            // fence) before it looks for a waiter: one of the two always sees the other.
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _roomWaiter, waiter);
            if (_maxUnsettled - Volatile.Read(ref _unsettled) > 0)
            {
                Interlocked.CompareExchange(ref _roomWaiter, null, waiter);
                continue;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Free()
    {
        Interlocked.Decrement(ref _unsettled);
        if (Volatile.Read(ref _roomWaiter) is { } waiter && Interlocked.CompareExchange(ref _roomWaiter, null, waiter) == waiter)
        {
            waiter.TrySetResult();
        }
    }

    private async Task HandOutAsync(
        HandedOutBatch batch, Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Not settled yet: only a message handed out can be, and this one is not yet.
                await onMessage(batch[i]!, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The consumer did not take this message or the rest: give them back for the next receive.
                await GiveBackAsync(batch, i).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task GiveBackAsync(HandedOutBatch batch, int from)
    {
        for (var i = from; i < batch.Count; i++)
        {
            if (batch[i] is not { IsSettled: false } message)
            {
                continue;
            }

            try
            {
                // Not the caller's token: it is the one that was cancelled, and the abandon must still happen.
                await message.AbandonAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (message.IsSettled)
            {
                // Settled concurrently by the consumer after all: nothing to give back.
            }
            catch (Exception exception)
            {
                LocalQueueLog.AbandonFailed(_logger, message.MessageId, exception);
            }
        }
    }

    /// <summary>The queue the handed-out messages settle in.</summary>
    internal LocalQueue Queue => _queue;

    /// <summary><see cref="LocalQueueOptions.MaxDeliveryCount"/>, which every handed-out message reports.</summary>
    internal int MaxDeliveryCount => _options.MaxDeliveryCount;

    /// <summary>A handed-out message's settlement ended (written or failed): it no longer holds a place.</summary>
    internal void OnSettled(LocalQueueMessage message)
    {
        var batch = message.Batch;
        if (batch.Release(message))
        {
            lock (_batchesLock)
            {
                _batches.Remove(batch);
            }
        }

        Free();
    }
}
