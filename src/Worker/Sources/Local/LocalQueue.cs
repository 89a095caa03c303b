using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static TagWorker.Sources.Local.LocalQueueDatabase;

namespace TagWorker.Sources.Local;

/// <summary>
/// A durable message queue in one SQLite file with Azure Service Bus's peek-lock semantics: a receive leases the
/// oldest available messages for <see cref="LocalQueueOptions.LockDuration"/>, each delivery counts, a settlement
/// must present the delivery's lock token, and a message delivered <see cref="LocalQueueOptions.MaxDeliveryCount"/>
/// times without being settled moves to the dead-letter store with reason
/// <see cref="MaxDeliveryCountExceededReason"/>. Safe for concurrent calls, and for several processes sharing the file.
/// </summary>
/// <remarks>
/// An enqueue returns once synced to disk (it survives a power loss). Leases, renewals and settlements are not synced
/// one by one: a power loss (not a process crash) can roll the newest of them back, which only delivers a settled
/// message again, the at-least-once delivery the worker handles anyway. Settlements from concurrent callers are
/// written together in one transaction (group commit), so settle concurrently for throughput.
/// A token "loses" its lock when the message was settled, or when its lock expired and another receive took it; an
/// expired lock that nobody took yet still settles, as no other delivery exists to be confused with it.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a message queue (the design's 'local durable queue'), not a collection.")]
public sealed class LocalQueue : IDisposable
{
    /// <summary>The dead-letter reason of a message delivered <see cref="LocalQueueOptions.MaxDeliveryCount"/> times.</summary>
    public const string MaxDeliveryCountExceededReason = "MaxDeliveryCountExceeded";

    // Bounds one group commit, so one writer's turn stays short.
    private const int MaxSettlementsPerTransaction = 1000;

    private readonly LocalQueueDatabase _database;
    private readonly LocalQueueOptions _options;
    private readonly ILogger<LocalQueue> _logger;
    private readonly ConcurrentQueue<PendingSettlement> _settlements = new();

    public LocalQueue(IOptions<LocalQueueOptions> options, TimeProvider timeProvider, ILogger<LocalQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        FilePath = Path.GetFullPath(_options.Path);
        _database = new LocalQueueDatabase(FilePath, timeProvider, logger);
    }

    /// <summary>The full path of the queue's SQLite file.</summary>
    public string FilePath { get; }

    /// <summary>Appends the bodies in order, each with a new message id, in one transaction synced to disk.</summary>
    public async Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        if (bodies.Count == 0)
        {
            return;
        }

        await _database.WriteAsync(durable: true, (connection, transaction, now) =>
        {
            using var insert = Command(connection, transaction, LocalQueueSql.Insert);
            var messageId = insert.Parameters.Add("$message_id", SqliteType.Text);
            var body = insert.Parameters.Add("$body", SqliteType.Blob);
            insert.Parameters.AddWithValue("$now", now);
            insert.Prepare();
            foreach (var item in bodies)
            {
                messageId.Value = Guid.NewGuid().ToString("N");
                body.Value = item.ToArray();
                insert.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Leases up to <paramref name="maxMessages"/> of the oldest available messages in sequence order: each gets a
    /// new lock token, a lock until now + <see cref="LocalQueueOptions.LockDuration"/> and one more delivery. A
    /// message that would exceed <see cref="LocalQueueOptions.MaxDeliveryCount"/> is dead-lettered instead.
    /// Returns an empty list when nothing is available.
    /// </summary>
    public Task<IReadOnlyList<LeasedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return _database.WriteAsync(durable: false, (connection, transaction, now) =>
        {
            var leased = new List<LeasedMessage>();
            while (leased.Count < maxMessages)
            {
                var candidates = SelectAvailable(connection, transaction, now, maxMessages - leased.Count);
                var exhausted = candidates.FindAll(c => c.DeliveryCount >= _options.MaxDeliveryCount);
                if (exhausted.Count > 0)
                {
                    DeadLetterExhausted(connection, transaction, now, exhausted);
                    candidates.RemoveAll(c => c.DeliveryCount >= _options.MaxDeliveryCount);
                }

                if (candidates.Count > 0)
                {
                    Lease(connection, transaction, now, candidates, leased);
                }

                // Only dead-lettering can leave room for more in this window; otherwise the queue has no more.
                if (exhausted.Count == 0)
                {
                    break;
                }
            }

            leased.Sort((a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
            return (IReadOnlyList<LeasedMessage>)leased;
        }, cancellationToken);
    }

    /// <summary>Deletes the message: it was processed.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task CompleteAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        SettleAsync(PendingSettlement.Complete(sequenceNumber, lockToken), cancellationToken);

    /// <summary>Releases the lock so the message is available again at once (its next delivery counts one more).</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task AbandonAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        SettleAsync(PendingSettlement.Abandon(sequenceNumber, lockToken), cancellationToken);

    /// <summary>Moves the message to the dead-letter store with a reason and description.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task DeadLetterAsync(
        long sequenceNumber, Guid lockToken, string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(description);
        return SettleAsync(PendingSettlement.DeadLetter(sequenceNumber, lockToken, reason, description), cancellationToken);
    }

    /// <summary>Extends the lock to now + <see cref="LocalQueueOptions.LockDuration"/>; returns the new expiry.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public async Task<DateTimeOffset> RenewLockAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken)
    {
        var renewal = await RenewLocksAsync([new LockReference(sequenceNumber, lockToken)], cancellationToken)
            .ConfigureAwait(false);
        return renewal.Renewed[0] ? renewal.LockedUntil : throw new MessageLockLostException(sequenceNumber);
    }

    /// <summary>Renews many locks in one transaction; a lost lock is reported, not thrown.</summary>
    internal Task<LockRenewal> RenewLocksAsync(IReadOnlyList<LockReference> locks, CancellationToken cancellationToken) =>
        _database.WriteAsync(durable: false, (connection, transaction, now) =>
        {
            var lockedUntil = now + LockDurationMilliseconds;
            var renewed = new bool[locks.Count];
            using var renew = Command(connection, transaction, LocalQueueSql.Renew);
            renew.Parameters.AddWithValue("$locked_until", lockedUntil);
            var seq = renew.Parameters.Add("$seq", SqliteType.Integer);
            var token = renew.Parameters.Add("$lock_token", SqliteType.Blob);
            renew.Prepare();
            for (var i = 0; i < locks.Count; i++)
            {
                seq.Value = locks[i].SequenceNumber;
                token.Value = locks[i].LockToken;
                renewed[i] = renew.ExecuteNonQuery() == 1;
            }

            return new LockRenewal(DateTimeOffset.FromUnixTimeMilliseconds(lockedUntil), renewed);
        }, cancellationToken);

    /// <summary>Counts available, leased and dead-lettered messages, as of one snapshot.</summary>
    public Task<LocalQueueCounts> GetCountsAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync((connection, now) =>
        {
            using var command = Command(connection, null, LocalQueueSql.Counts);
            command.Parameters.AddWithValue("$now", now);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new LocalQueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }, cancellationToken);

    /// <summary>Reads up to <paramref name="maxMessages"/> dead-lettered messages, oldest first, without removing them.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> ReadDeadLettersAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return _database.ReadAsync((connection, _) =>
        {
            using var command = Command(connection, null, LocalQueueSql.ReadDeadLetters);
            command.Parameters.AddWithValue("$max", maxMessages);
            using var reader = command.ExecuteReader();
            var messages = new List<DeadLetteredMessage>();
            while (reader.Read())
            {
                messages.Add(new DeadLetteredMessage(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetFieldValue<byte[]>(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetInt32(5),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
            }

            return (IReadOnlyList<DeadLetteredMessage>)messages;
        }, cancellationToken);
    }

    /// <summary>Closes the pooled connections to the file. Operations after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _database.Dispose();

    private long LockDurationMilliseconds => (long)_options.LockDuration.TotalMilliseconds;

    private async Task SettleAsync(PendingSettlement settlement, CancellationToken cancellationToken)
    {
        _settlements.Enqueue(settlement);
        WriteTurn turn;
        try
        {
            turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (!settlement.TryWithdraw())
        {
            // Waiting failed (cancelled, disposed) but another writer had taken the settlement already, so it could
            // not be withdrawn: it is being written, and its outcome is the true answer. When it could be withdrawn,
            // the filter is false and the failure propagates with nothing written.
            await settlement.Written.ConfigureAwait(false);
            return;
        }

        using (turn)
        {
            // Another writer may have written it while we waited; otherwise write it with everything waiting.
            while (!settlement.IsTaken)
            {
                WriteWaitingSettlements();
            }
        }

        await settlement.Written.ConfigureAwait(false);
    }

    private void WriteWaitingSettlements()
    {
        var batch = new List<PendingSettlement>();
        while (batch.Count < MaxSettlementsPerTransaction && _settlements.TryDequeue(out var settlement))
        {
            if (settlement.TryTake())
            {
                batch.Add(settlement);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        bool[] written;
        try
        {
            written = _database.Write(durable: false, (connection, transaction, now) =>
            {
                using var statements = new SettlementStatements(connection, transaction, now);
                return batch.ConvertAll(statements.Apply).ToArray();
            });
        }
        catch (Exception exception)
        {
            // The transaction rolled back: none of the batch was written, and every caller hears why.
            foreach (var settlement in batch)
            {
                settlement.Fail(exception);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (written[i])
            {
                batch[i].Succeed();
            }
            else
            {
                batch[i].Fail(new MessageLockLostException(batch[i].SequenceNumber));
            }
        }
    }

    private static List<Candidate> SelectAvailable(SqliteConnection connection, SqliteTransaction transaction, long now, int max)
    {
        using var select = Command(connection, transaction, LocalQueueSql.SelectAvailable);
        select.Parameters.AddWithValue("$now", now);
        select.Parameters.AddWithValue("$max", max);
        using var reader = select.ExecuteReader();
        var candidates = new List<Candidate>();
        while (reader.Read())
        {
            candidates.Add(new Candidate(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return candidates;
    }

    private void DeadLetterExhausted(SqliteConnection connection, SqliteTransaction transaction, long now, List<Candidate> exhausted)
    {
        using var command = Command(connection, transaction, LocalQueueSql.DeadLetterMany);
        command.Parameters.AddWithValue("$seqs", JsonArray(exhausted));
        command.Parameters.AddWithValue("$reason", MaxDeliveryCountExceededReason);
        command.Parameters.AddWithValue("$description", string.Create(CultureInfo.InvariantCulture,
            $"The message reached LocalQueue:MaxDeliveryCount ({_options.MaxDeliveryCount}) deliveries without being settled."));
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
        foreach (var candidate in exhausted)
        {
            LocalQueueLog.MaxDeliveryCountExceeded(_logger, candidate.MessageId, candidate.SequenceNumber, candidate.DeliveryCount);
        }
    }

    private void Lease(SqliteConnection connection, SqliteTransaction transaction, long now, List<Candidate> candidates, List<LeasedMessage> leased)
    {
        var lockedUntil = now + LockDurationMilliseconds;
        using var command = Command(connection, transaction, LocalQueueSql.Lease);
        command.Parameters.AddWithValue("$seqs", JsonArray(candidates));
        command.Parameters.AddWithValue("$locked_until", lockedUntil);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            leased.Add(new LeasedMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetFieldValue<byte[]>(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetInt32(4),
                reader.GetGuid(5),
                DateTimeOffset.FromUnixTimeMilliseconds(lockedUntil)));
        }
    }

    private static string JsonArray(List<Candidate> candidates)
    {
        var json = new StringBuilder("[");
        foreach (var candidate in candidates)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(candidate.SequenceNumber.ToString(CultureInfo.InvariantCulture));
        }

        return json.Append(']').ToString();
    }

    private readonly record struct Candidate(long SequenceNumber, string MessageId, int DeliveryCount);
}
