using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.Local;

/// <summary>
/// A durable message queue in one SQLite file with Azure Service Bus's peek-lock semantics and one owner: the
/// process that receives takes ownership first (<see cref="TakeOwnershipAsync"/>), which reclaims every lease an
/// earlier owner left; a receive leases the oldest available messages in sequence order, each delivery counts, a
/// settlement must present the delivery's lock token, and a message delivered
/// <see cref="LocalQueueOptions.MaxDeliveryCount"/> times without being settled moves to the dead-letter store with
/// reason <see cref="MaxDeliveryCountExceededReason"/>. Enqueueing, counting and the dead-letter store need no
/// ownership, and work from other processes while a worker owns the file.
/// </summary>
/// <remarks>
/// Safe for concurrent calls, and for several processes sharing the file (one of them the owner). Every SQLite call
/// of an instance runs on its own thread (<see cref="LocalQueueIoThread"/>), never on the thread pool. An enqueue returns once synced to disk (it survives a power loss). Leases and settlements are not synced one
/// by one: a power loss (not a process crash) can roll the newest of them back, which only delivers a settled message
/// again, the at-least-once delivery the worker handles anyway. Settlements from concurrent callers are written
/// together (group commit), so settle concurrently for throughput.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a message queue (the design's 'local durable queue'), not a collection.")]
public sealed class LocalQueue : IDisposable
{
    /// <summary>The dead-letter reason of a message delivered <see cref="LocalQueueOptions.MaxDeliveryCount"/> times.</summary>
    public const string MaxDeliveryCountExceededReason = "MaxDeliveryCountExceeded";

    private readonly LocalQueueStore _store;
    private readonly LocalQueueIoThread _io;

    public LocalQueue(IOptions<LocalQueueOptions> options, TimeProvider timeProvider, ILogger<LocalQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = Path.GetFullPath(options.Value.Path);
        _store = new LocalQueueStore(FilePath, options.Value, timeProvider, logger);
        _io = new LocalQueueIoThread(_store);
    }

    /// <summary>The full path of the queue's SQLite file.</summary>
    public string FilePath { get; }

    /// <summary>The owner's lock file beside it, <c>&lt;FilePath&gt;.owner</c>.</summary>
    public string OwnerLockFilePath => _store.LockFilePath;

    /// <summary>Whether this instance owns the queue (and may receive from it).</summary>
    public bool IsOwner => _store.IsOwner;

    /// <summary>
    /// Makes this instance the queue's owner, the only one that receives: locks <see cref="OwnerLockFilePath"/>, then
    /// makes every leased message available again (whoever held them is gone), in sequence order and with its
    /// delivery count unchanged, before anything is received. Held until the returned ownership or this queue is
    /// disposed, or the process ends.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Another instance, in this process or another, owns the queue (the message names the file and the owner's
    /// process id), or this one does already.
    /// </exception>
    public Task<LocalQueueOwnership> TakeOwnershipAsync(CancellationToken cancellationToken) =>
        _io.RunAsync(_store.TakeOwnership, cancellationToken);

    /// <summary>Appends the bodies in order, each with a new message id, in one transaction synced to disk.</summary>
    public Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return bodies.Count == 0 ? Task.CompletedTask : _io.RunAsync(() =>
        {
            _store.Enqueue(bodies);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Leases up to <paramref name="maxMessages"/> of the oldest available messages in sequence order: each gets a
    /// new lock token and one more delivery, and stays leased until settled or reclaimed. A message that would exceed
    /// <see cref="LocalQueueOptions.MaxDeliveryCount"/> is dead-lettered instead. Returns an empty list when nothing
    /// is available.
    /// </summary>
    /// <exception cref="InvalidOperationException">This instance does not own the queue.</exception>
    public async Task<IReadOnlyList<LeasedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken) =>
        (await ReceiveBatchAsync(maxMessages, cancellationToken).ConfigureAwait(false)).Messages;

    /// <summary>Deletes the message: it was processed.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task CompleteAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        _io.SettleAsync(PendingSettlement.Complete(sequenceNumber, lockToken), cancellationToken);

    /// <summary>Releases the lease so the message is available again at once (its next delivery counts one more).</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task AbandonAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        AbandonAsync(sequenceNumber, lockToken, lastError: null, cancellationToken);

    /// <summary>
    /// Releases the lease so the message is available again at once, recording <paramref name="lastError"/> (null
    /// keeps the error recorded before); a later <see cref="MaxDeliveryCountExceededReason"/> dead letter quotes it.
    /// </summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task AbandonAsync(long sequenceNumber, Guid lockToken, string? lastError, CancellationToken cancellationToken) =>
        _io.SettleAsync(PendingSettlement.Abandon(sequenceNumber, lockToken, lastError), cancellationToken);

    /// <summary>Moves the message to the dead-letter store with a reason and description.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task DeadLetterAsync(
        long sequenceNumber, Guid lockToken, string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        return DeadLetterAsync(sequenceNumber, lockToken, new DeadLetterDetails(reason, description, FailedUsers: null), cancellationToken);
    }

    /// <summary>
    /// Moves the message to the dead-letter store with a reason, a description and the users whose change failed
    /// (<see cref="DeadLetterDetails.FailedUsers"/>, kept as <see cref="FailedUsersJson"/>; null when the whole
    /// message failed).
    /// </summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task DeadLetterAsync(long sequenceNumber, Guid lockToken, DeadLetterDetails details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentException.ThrowIfNullOrEmpty(details.Reason);
        ArgumentNullException.ThrowIfNull(details.Description);
        return _io.SettleAsync(PendingSettlement.DeadLetter(sequenceNumber, lockToken, details), cancellationToken);
    }

    /// <summary>Counts available, leased and dead-lettered messages, as of one snapshot.</summary>
    public Task<LocalQueueCounts> GetCountsAsync(CancellationToken cancellationToken) =>
        _io.RunAsync(_store.Counts, cancellationToken);

    /// <summary>Reads up to <paramref name="maxMessages"/> dead-lettered messages, oldest first, without removing them.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> ReadDeadLettersAsync(int maxMessages, CancellationToken cancellationToken) =>
        ReadDeadLettersAsync(afterSequenceNumber: 0, maxMessages, cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="maxMessages"/> dead-lettered messages whose sequence number is above
    /// <paramref name="afterSequenceNumber"/>, oldest first (page through the store by passing the last one's).
    /// </summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> ReadDeadLettersAsync(
        long afterSequenceNumber, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return _io.RunAsync(() => _store.ReadDeadLetters(afterSequenceNumber, maxMessages), cancellationToken);
    }

    /// <summary>One dead-lettered message by its sequence number, or null.</summary>
    public Task<DeadLetteredMessage?> GetDeadLetterAsync(long sequenceNumber, CancellationToken cancellationToken) =>
        _io.RunAsync(() => _store.ReadDeadLetter(sequenceNumber), cancellationToken);

    /// <summary>Deletes one dead-lettered message; false when it was not there.</summary>
    public Task<bool> RemoveDeadLetterAsync(long sequenceNumber, CancellationToken cancellationToken) =>
        _io.RunAsync(() => _store.RemoveDeadLetter(sequenceNumber), cancellationToken);

    /// <summary>
    /// Writes the settlements already given, gives up ownership and closes the file (waiting for the operation in
    /// progress). Operations after this throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose() => _io.Dispose();

    /// <summary>Like <see cref="ReceiveAsync"/>, and says whether more messages were available than it leased.</summary>
    internal Task<ReceivedBatch> ReceiveBatchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return _io.RunAsync(() => _store.Receive(maxMessages), cancellationToken);
    }

    /// <summary>Queues a settlement built by a handed-out message (which hears when it ends) for the next group commit.</summary>
    internal Task SettleAsync(PendingSettlement settlement, CancellationToken cancellationToken) =>
        _io.SettleAsync(settlement, cancellationToken);

    /// <summary>
    /// Makes every leased message available again except <paramref name="held"/> (those this process still has
    /// handed out); returns how many. Run at the start of an intake session, before its first receive.
    /// </summary>
    internal Task<int> ReclaimLeasesAsync(IReadOnlyCollection<long> held, CancellationToken cancellationToken) =>
        _io.RunAsync(() => _store.ReclaimLeases(held), cancellationToken);
}
