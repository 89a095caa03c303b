using System.Collections.Concurrent;
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
    private readonly SemaphoreSlim _unsettledSlots;
    private readonly ConcurrentDictionary<long, LocalQueueMessage> _handedOut = new();
    private volatile LocalQueueOwnership? _ownership;
    private volatile bool _backlogWaiting;
    private int _unsettled;
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
        _unsettledSlots = new SemaphoreSlim(_options.MaxConcurrentMessages, _options.MaxConcurrentMessages);
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

        await _queue.ReclaimLeasesAsync(_handedOut.Keys.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<LocalQueueMessage[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        // One slot per message we may lease: wait for the first, then take as many more as are free.
        await _unsettledSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var slots = 1;
        while (slots < _options.ReceiveBatchSize && _unsettledSlots.Wait(0, CancellationToken.None))
        {
            slots++;
        }

        ReceivedBatch batch;
        try
        {
            batch = await _queue.ReceiveBatchAsync(slots, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _unsettledSlots.Release(slots);
            throw;
        }

        var leased = batch.Messages;
        if (leased.Count < slots)
        {
            _unsettledSlots.Release(slots - leased.Count);
        }

        _backlogWaiting = batch.MoreAvailable;
        Interlocked.Add(ref _unsettled, leased.Count);
        var messages = new LocalQueueMessage[leased.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new LocalQueueMessage(leased[i], this, _options.MaxDeliveryCount);
            _handedOut[messages[i].SequenceNumber] = messages[i];
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

    /// <summary>The queue the handed-out messages settle in.</summary>
    internal LocalQueue Queue => _queue;

    /// <summary>A handed-out message was settled (or its settle failed): it no longer holds a place.</summary>
    internal void OnSettled(LocalQueueMessage message)
    {
        _handedOut.TryRemove(KeyValuePair.Create(message.SequenceNumber, message));
        Interlocked.Decrement(ref _unsettled);
        _unsettledSlots.Release();
    }
}
