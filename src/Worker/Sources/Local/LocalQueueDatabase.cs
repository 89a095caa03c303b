using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's SQLite file as its I/O thread sees it: one connection, opened (creating the file, its directory
/// and its schema, or migrating an older schema in place) on first use, with every statement prepared once. Used
/// only from <see cref="LocalQueueIoThread"/>, so nothing here is synchronised. Other processes on the same file
/// (the <c>enqueue</c> verb, the dead-letter tools) are waited for through SQLite's busy timeout.
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
    private SqliteConnection? _connection;
    private LocalQueueStatements? _statements;
    private bool? _durable;

    public LocalQueueDatabase(string filePath, TimeProvider timeProvider, ILogger logger)
    {
        FilePath = filePath;
        _timeProvider = timeProvider;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,

            // One connection for the I/O thread's lifetime: nothing to pool, and closing it must release the file.
            Pooling = false,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>The prepared statements (opening the file first if needed).</summary>
    public LocalQueueStatements Statements
    {
        get
        {
            Open();
            return _statements!;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction and commits it. <paramref name="work"/> gets the
    /// time (Unix ms) read once the write lock is held, and rolls the transaction back by throwing.
    /// </summary>
    public T Write<T>(bool durable, Func<SqliteTransaction, long, T> work)
    {
        var connection = Open();
        if (_durable != durable)
        {
            Execute(connection, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            _durable = durable;
        }

        // BEGIN IMMEDIATE: take the write lock up front, so the transaction never has to upgrade a read lock
        // (an upgrade that meets another process's writer fails at once instead of waiting).
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(transaction, NowMilliseconds());
        transaction.Commit();
        return result;
    }

    /// <summary>Runs <paramref name="work"/> outside a transaction (each statement reads its own WAL snapshot).</summary>
    public T Read<T>(Func<long, T> work)
    {
        Open();
        return work(NowMilliseconds());
    }

    /// <summary>Closes the connection, releasing the file.</summary>
    public void Dispose()
    {
        _statements?.Dispose();
        _statements = null;
        _connection?.Dispose();
        _connection = null;
    }

    private long NowMilliseconds() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        // SQLite creates the file but not its directory.
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            Initialize(connection);
            _statements = new LocalQueueStatements(connection);
            _durable = null;
            _connection = connection;
            return connection;
        }
        catch
        {
            // Left closed: the next operation tries again (and reports its own failure).
            connection.Dispose();
            throw;
        }
    }

    private void Initialize(SqliteConnection connection)
    {
        // A file from a newer TagWorker is refused before anything in it changes, its journal mode included.
        ThrowIfNewer(ReadVersion(connection, null));

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

        // Read again under the write lock: another process may have created or migrated the file meanwhile.
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = ReadVersion(connection, transaction);
        ThrowIfNewer(current);
        if (current == LocalQueueSql.SchemaVersion)
        {
            transaction.Commit();
            LocalQueueLog.QueueOpened(_logger, FilePath);
            return;
        }

        using (var schema = Command(connection, transaction, current == 0 ? LocalQueueSql.CreateSchema : LocalQueueSql.MigrateFromVersion1))
        {
            schema.Parameters.AddWithValue("$now", NowMilliseconds());
            schema.ExecuteNonQuery();
        }

        Execute(connection, "PRAGMA user_version = " + LocalQueueSql.SchemaVersion.ToString(CultureInfo.InvariantCulture), transaction);
        transaction.Commit();
        if (current != 0)
        {
            LocalQueueLog.SchemaMigrated(_logger, FilePath, current, LocalQueueSql.SchemaVersion);
        }

        LocalQueueLog.QueueOpened(_logger, FilePath);
    }

    private static long ReadVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var version = Command(connection, transaction, "PRAGMA user_version");
        return Convert.ToInt64(version.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void ThrowIfNewer(long version)
    {
        if (version > LocalQueueSql.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The local queue file {FilePath} has schema version {version}, newer than this TagWorker's {LocalQueueSql.SchemaVersion}.");
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }
}
