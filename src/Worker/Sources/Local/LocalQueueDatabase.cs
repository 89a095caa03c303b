using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's SQLite file: creates it and its schema on first use, hands out pooled connections with the
/// right pragmas, and runs write transactions one at a time. Writers in this process take turns through one gate
/// (SQLite allows one writer at a time, and waiting in SQLite's busy handler is slower than waiting here); other
/// processes on the same file are waited for through SQLite's busy timeout.
/// </summary>
/// <remarks>
/// Durability: the file is in WAL mode. A durable write commits with <c>synchronous=FULL</c>, which syncs the WAL to
/// disk before returning, so it survives a process crash and a power loss. Other writes commit with
/// <c>synchronous=NORMAL</c>: no sync per transaction, still safe against a process crash, and on a power loss at
/// most the newest of them roll back. A later FULL commit syncs everything before it, and the WAL is always replayed
/// as a prefix, so a lost NORMAL write can never take a durable one with it or reorder writes.
/// </remarks>
internal sealed class LocalQueueDatabase : IDisposable
{
    // How long a write waits for another process (e.g. the enqueue verb) to finish its transaction.
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;

    public LocalQueueDatabase(string filePath, TimeProvider timeProvider, ILogger logger)
    {
        FilePath = filePath;
        _timeProvider = timeProvider;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>Waits for this process's turn to write; dispose the result to give the turn back.</summary>
    public async ValueTask<WriteTurn> EnterWriteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeGate);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction and commits it; the caller must hold the write turn.
    /// <paramref name="work"/> gets the time (Unix ms) read once the write lock is held, and rolls the transaction
    /// back by throwing.
    /// </summary>
    public T Write<T>(bool durable, Func<SqliteConnection, SqliteTransaction, long, T> work)
    {
        using var connection = Open();
        Execute(connection, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");

        // BEGIN IMMEDIATE: take the write lock up front, so the transaction never has to upgrade a read lock
        // (an upgrade that meets another process's writer fails at once instead of waiting).
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction, NowMilliseconds());
        transaction.Commit();
        return result;
    }

    public async Task<T> WriteAsync<T>(
        bool durable, Func<SqliteConnection, SqliteTransaction, long, T> work, CancellationToken cancellationToken)
    {
        using (await EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            return Write(durable, work);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a connection of its own, concurrently with writers (WAL snapshot).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, long, T> work, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            // Creating the file is a write: take the turn once, the first time.
            using (await EnterWriteAsync(cancellationToken).ConfigureAwait(false))
            {
                using var first = Open();
            }
        }

        using var connection = Open();
        return work(connection, NowMilliseconds());
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Closes the pooled connections to the file.</summary>
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

    private long NowMilliseconds() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    // Microsoft.Data.Sqlite's async open is synchronous underneath, so the sync one is used and no thread is lost.
    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            // SQLite creates the file but not its directory.
            var directory = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();

            // Per connection, and a pooled connection may be new: set it every time (a cheap pragma).
            Execute(connection, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            if (!_initialized)
            {
                Initialize(connection);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Called with the write turn held: every path to a first Open goes through EnterWriteAsync.
    private void Initialize(SqliteConnection connection)
    {
        // WAL is a property of the file: set once, it holds for every connection and process.
        using (var journal = Command(connection, null, "PRAGMA journal_mode = WAL"))
        {
            var mode = journal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The local queue file {FilePath} cannot use write-ahead logging (journal mode '{mode}'); put it on a local file system.");
            }
        }

        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using (var version = Command(connection, transaction, "PRAGMA user_version"))
            {
                var current = Convert.ToInt64(version.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (current > LocalQueueSql.SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The local queue file {FilePath} has schema version {current}, newer than this TagWorker's {LocalQueueSql.SchemaVersion}.");
                }
            }

            using (var create = Command(connection, transaction, LocalQueueSql.CreateSchema))
            {
                create.ExecuteNonQuery();
            }

            Execute(connection, "PRAGMA user_version = " + LocalQueueSql.SchemaVersion.ToString(CultureInfo.InvariantCulture), transaction);
            transaction.Commit();
        }

        _initialized = true;
        LocalQueueLog.QueueOpened(_logger, FilePath);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    /// <summary>This process's turn to write; disposing it lets the next writer in.</summary>
    public readonly struct WriteTurn(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
