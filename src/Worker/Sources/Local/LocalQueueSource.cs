using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.Local;

/// <summary>
/// Receives from the <see cref="LocalQueue"/>: leases batches of up to <see cref="LocalQueueOptions.ReceiveBatchSize"/>
/// messages while fewer than <see cref="LocalQueueOptions.MaxConcurrentMessages"/> are unsettled, polls every
/// <see cref="LocalQueueOptions.PollInterval"/> when the queue is empty, and renews the locks of unsettled messages
/// (see <see cref="LocalQueueOptions.MaxAutoLockRenewal"/>) until they are settled or the source is disposed, so
/// messages can still be settled after <see cref="RunAsync"/> returned. A storage failure ends
/// <see cref="RunAsync"/> with its exception (SQLite itself waits out a busy file first).
/// </summary>
public sealed class LocalQueueSource : ITagEventSource, IAsyncDisposable, IDisposable
{
    private readonly LocalQueue _queue;
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LocalQueueSource> _logger;
    private readonly SemaphoreSlim _unsettledSlots;
    private readonly LocalQueueLockRenewer _renewer;
    private int _running;

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
        _unsettledSlots = new SemaphoreSlim(_options.MaxConcurrentMessages, _options.MaxConcurrentMessages);
        _renewer = new LocalQueueLockRenewer(queue, _options, timeProvider, logger);
    }

    /// <summary>Messages handed out (or being handed out) and not yet settled.</summary>
    public int UnsettledCount => _options.MaxConcurrentMessages - _unsettledSlots.CurrentCount;

    /// <inheritdoc />
    /// <remarks>Only one call may run at a time. Messages received but not yet handed out when
    /// <paramref name="cancellationToken"/> fires, or when <paramref name="onMessage"/> throws, are abandoned.</remarks>
    public async Task RunAsync(Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The local queue source is already running.");
        }

        try
        {
            _renewer.Start();
            LocalQueueLog.SourceStarted(_logger, _options.MaxConcurrentMessages);
            while (true)
            {
                var messages = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (messages.Length == 0)
                {
                    await Task.Delay(_options.PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await HandOutAsync(messages, onMessage, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            LocalQueueLog.SourceStopped(_logger, UnsettledCount);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Stops renewing locks and waits for a renewal in progress. Unsettled messages stay leased until their locks
    /// expire, and can still be settled.
    /// </summary>
    public ValueTask DisposeAsync() => _renewer.DisposeAsync();

    /// <summary>Stops renewing locks without waiting for a renewal in progress (which then finishes on its own).</summary>
    public void Dispose() => _renewer.Stop();

    private async Task<LocalQueueMessage[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        // One slot per message we may lease: wait for the first, then take as many more as are free.
        await _unsettledSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var slots = 1;
        while (slots < _options.ReceiveBatchSize && _unsettledSlots.Wait(0, CancellationToken.None))
        {
            slots++;
        }

        IReadOnlyList<LeasedMessage> leased;
        try
        {
            leased = await _queue.ReceiveAsync(slots, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _unsettledSlots.Release(slots);
            throw;
        }

        if (leased.Count < slots)
        {
            _unsettledSlots.Release(slots - leased.Count);
        }

        var receivedAt = _timeProvider.GetUtcNow();
        var messages = new LocalQueueMessage[leased.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new LocalQueueMessage(leased[i], _queue, receivedAt, OnSettled);
            _renewer.Track(messages[i]);
        }

        return messages;
    }

    private async Task HandOutAsync(
        LocalQueueMessage[] messages, Func<SourceMessage, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await onMessage(messages[i], cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The consumer did not take this message or the rest: give them back for the next receive.
                await GiveBackAsync(messages.AsMemory(i)).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task GiveBackAsync(ReadOnlyMemory<LocalQueueMessage> messages)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages.Span[i];
            if (message.IsSettled)
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

    private void OnSettled(LocalQueueMessage message)
    {
        _renewer.Untrack(message);
        _unsettledSlots.Release();
    }
}
