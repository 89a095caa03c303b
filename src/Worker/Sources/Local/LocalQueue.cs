using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.Local;

/// <summary>
/// A durable message queue in one SQLite file with Azure Service Bus's peek-lock semantics: a receive leases the
/// oldest available messages for <see cref="LocalQueueOptions.LockDuration"/>, each delivery counts, a settlement
/// must present the delivery's lock token, and a message delivered <see cref="LocalQueueOptions.MaxDeliveryCount"/>
/// times without being settled moves to the dead-letter store with reason
/// <see cref="MaxDeliveryCountExceededReason"/>. Safe for concurrent calls, and for several processes sharing the file.
/// </summary>
/// <remarks>
/// Durability: the file is in WAL mode. An enqueue commits with <c>synchronous=FULL</c>, which syncs the WAL to disk
/// before returning, so an enqueued event survives a process crash and a power loss. Every other write (lease,
/// settle, renew, dead-letter) commits with <c>synchronous=NORMAL</c>: no sync per transaction, still safe against a
/// process crash, and on a power loss at most the newest of those writes roll back. That only makes a settled message
/// come back (at-least-once delivery, which the worker handles anyway), and because the WAL is replayed as a prefix
/// it can never drop an enqueue or reorder settlements. This keeps per-message settlement off the disk's sync latency.
/// Writers in this process take turns through one gate (SQLite allows one writer at a time, and waiting in SQLite's
/// busy handler is slower than waiting here); other processes are waited for through SQLite's busy timeout.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a message queue (the design's 'local durable queue'), not a collection.")]
public sealed class LocalQueue : IDisposable
{
    /// <summary>The dead-letter reason of a message delivered <see cref="LocalQueueOptions.MaxDeliveryCount"/> times.</summary>
    public const string MaxDeliveryCountExceededReason = "MaxDeliveryCountExceeded";

    // How long a write waits for another process (e.g. the enqueue verb) to finish its transaction.
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;
    private readonly LocalQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LocalQueue> _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;

    public LocalQueue(IOptions<LocalQueueOptions> options, TimeProvider timeProvider, ILogger<LocalQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        FilePath = System.IO.Path.GetFullPath(_options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
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

        await WriteAsync(durable: true, (connection, transaction, now) =>
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
    public async Task<IReadOnlyList<LeasedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return await WriteAsync(durable: false, (connection, transaction, now) =>
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
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the message: it was processed.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task CompleteAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        SettleAsync(LocalQueueSql.Complete, sequenceNumber, lockToken, cancellationToken);

    /// <summary>Releases the lock so the message is available again at once (its next delivery counts one more).</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public Task AbandonAsync(long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        SettleAsync(LocalQueueSql.Abandon, sequenceNumber, lockToken, cancellationToken);

    /// <summary>Moves the message to the dead-letter store with a reason and description.</summary>
    /// <exception cref="MessageLockLostException">The token no longer holds the message.</exception>
    public async Task DeadLetterAsync(
        long sequenceNumber, Guid lockToken, string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(description);
        await WriteAsync(durable: false, (connection, transaction, now) =>
        {
            using var insert = Command(connection, transaction, LocalQueueSql.DeadLetterOne);
            AddLock(insert, sequenceNumber, lockToken);
            insert.Parameters.AddWithValue("$reason", reason);
            insert.Parameters.AddWithValue("$description", description);
            insert.Parameters.AddWithValue("$now", now);
            if (insert.ExecuteNonQuery() == 0)
            {
                throw new MessageLockLostException(sequenceNumber);
            }

            using var delete = Command(connection, transaction, LocalQueueSql.DeleteOne);
            delete.Parameters.AddWithValue("$seq", sequenceNumber);
            delete.ExecuteNonQuery();
            return true;
        }, cancellationToken).ConfigureAwait(false);
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
        WriteAsync(durable: false, (connection, transaction, now) =>
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
    public async Task<LocalQueueCounts> GetCountsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, null, LocalQueueSql.Counts);
            command.Parameters.AddWithValue("$now", NowMilliseconds());
            using var reader = command.ExecuteReader();
            reader.Read();
            return new LocalQueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    /// <summary>Reads up to <paramref name="maxMessages"/> dead-lettered messages, oldest first, without removing them.</summary>
    public async Task<IReadOnlyList<DeadLetteredMessage>> ReadDeadLettersAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
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

            return messages;
        }
    }

    /// <summary>Closes the pooled connections to the file. Operations after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private long LockDurationMilliseconds => (long)_options.LockDuration.TotalMilliseconds;

    private long NowMilliseconds() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task SettleAsync(string sql, long sequenceNumber, Guid lockToken, CancellationToken cancellationToken) =>
        await WriteAsync(durable: false, (connection, transaction, _) =>
        {
            using var command = Command(connection, transaction, sql);
            AddLock(command, sequenceNumber, lockToken);
            return command.ExecuteNonQuery() == 1 ? true : throw new MessageLockLostException(sequenceNumber);
        }, cancellationToken).ConfigureAwait(false);

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

    private async Task<T> WriteAsync<T>(
        bool durable, Func<SqliteConnection, SqliteTransaction, long, T> work, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using (var pragma = Command(connection, null, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"))
                {
                    pragma.ExecuteNonQuery();
                }

                // BEGIN IMMEDIATE: take the write lock up front, so the transaction never has to upgrade a read lock
                // (an upgrade that meets another writer fails at once instead of waiting).
                using var transaction = connection.BeginTransaction(deferred: false);

                // Read the clock once the write lock is held, so lock expiries are measured from the actual lease.
                var result = work(connection, transaction, NowMilliseconds());
                transaction.Commit();
                return result;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Per connection, and a pooled connection may be new: set it every time (it is a cheap pragma).
            using var pragma = Command(connection, null, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                CreateSchema(connection);
            }

            _initialized = true;
            LocalQueueLog.QueueOpened(_logger, FilePath);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        // WAL is a property of the file: set once, it holds for every connection and process.
        using (var journal = Command(connection, null, "PRAGMA journal_mode = WAL"))
        {
            var mode = journal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The local queue file {connection.DataSource} cannot use write-ahead logging (journal mode '{mode}'); put it on a local file system.");
            }
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using (var version = Command(connection, transaction, "PRAGMA user_version"))
        {
            var current = Convert.ToInt64(version.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (current > LocalQueueSql.SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The local queue file {connection.DataSource} has schema version {current}, newer than this TagWorker's {LocalQueueSql.SchemaVersion}.");
            }
        }

        using (var create = Command(connection, transaction, LocalQueueSql.CreateSchema))
        {
            create.ExecuteNonQuery();
        }

        using (var setVersion = Command(connection, transaction,
            "PRAGMA user_version = " + LocalQueueSql.SchemaVersion.ToString(CultureInfo.InvariantCulture)))
        {
            setVersion.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddLock(SqliteCommand command, long sequenceNumber, Guid lockToken)
    {
        command.Parameters.AddWithValue("$seq", sequenceNumber);
        // Explicitly a blob: Microsoft.Data.Sqlite binds a Guid as text by default, and the tokens are 16-byte blobs.
        command.Parameters.Add("$lock_token", SqliteType.Blob).Value = lockToken;
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
