namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's SQL (schema version 2). Times are Unix milliseconds (UTC). A message is available when
/// <c>locked_until = 0</c>; a leased one has <see cref="LeasedUntilReclaimed"/> there: leases do not expire, because
/// the queue's one owner is its only receiver, and they end when settled or when an owner reclaims them
/// (docs/design-decisions.md, "Ordering").
/// </summary>
internal static class LocalQueueSql
{
    /// <summary>Schema version stored in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 2;

    /// <summary><c>locked_until</c> of a leased message: held until settled or reclaimed.</summary>
    public const long LeasedUntilReclaimed = long.MaxValue;

    // AUTOINCREMENT: a sequence number is never reused, even after the newest message is deleted, so a lock token
    // check by (seq, token) can never match a different message and dead_letters.seq stays unique. The columns
    // schema 2 added come last, where the migration's ALTER TABLE puts them, so both files have one layout.
    public const string CreateSchema = """
        CREATE TABLE messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NOT NULL DEFAULT 0,
            lock_token BLOB NULL,
            last_error TEXT NULL
        );
        CREATE TABLE dead_letters (
            seq INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            reason TEXT NOT NULL,
            description TEXT NOT NULL,
            delivery_count INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL,
            enqueued_at INTEGER NULL,
            last_error TEXT NULL,
            failed_users TEXT NULL
        );
        CREATE TABLE owner (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            acquired_at INTEGER NOT NULL
        );
        """;

    // Schema 1 to 2, in place. A v1 lock that has expired was an available message under v1's rules, so it becomes
    // one; a live v1 lock becomes a v2 lease, which the next owner reclaims before its first receive.
    public const string MigrateFromVersion1 = """
        ALTER TABLE messages ADD COLUMN last_error TEXT NULL;
        ALTER TABLE dead_letters ADD COLUMN enqueued_at INTEGER NULL;
        ALTER TABLE dead_letters ADD COLUMN last_error TEXT NULL;
        ALTER TABLE dead_letters ADD COLUMN failed_users TEXT NULL;
        CREATE TABLE owner (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            acquired_at INTEGER NOT NULL
        );
        UPDATE messages SET locked_until = 0, lock_token = NULL WHERE locked_until <> 0 AND locked_until <= $now;
        UPDATE messages SET locked_until = 9223372036854775807 WHERE locked_until <> 0;
        """;

    public const string Insert =
        "INSERT INTO messages (message_id, body, enqueued_at) VALUES ($message_id, $body, $now)";

    // Walks the primary key from the owner's scan cursor (below it every message is leased) and skips leased rows;
    // an index on locked_until would cost every lease and settlement a second write.
    public const string SelectAvailable = """
        SELECT seq, message_id, delivery_count, last_error FROM messages
        WHERE seq >= $from AND locked_until = 0 ORDER BY seq LIMIT $max
        """;

    // The candidates were the available rows of [first, last] in this same transaction, so the range leases exactly
    // them (the exhausted ones among them were dead-lettered first): one statement for the whole batch.
    public const string LeaseRange = """
        UPDATE messages
        SET delivery_count = delivery_count + 1, locked_until = 9223372036854775807, lock_token = randomblob(16)
        WHERE seq BETWEEN $first AND $last AND locked_until = 0
        RETURNING seq, message_id, body, enqueued_at, delivery_count, lock_token, last_error
        """;

    public const string DeadLetterExhausted = """
        INSERT INTO dead_letters
            (seq, message_id, body, reason, description, delivery_count, dead_lettered_at, enqueued_at, last_error, failed_users)
        SELECT seq, message_id, body, $reason, $description, delivery_count, $now, enqueued_at, last_error, NULL
        FROM messages WHERE seq = $seq
        """;

    public const string Complete = "DELETE FROM messages WHERE seq = $seq AND lock_token = $lock_token";

    // An abandon without an error keeps the one recorded before: the last error the message met stays known.
    public const string Abandon = """
        UPDATE messages SET locked_until = 0, lock_token = NULL, last_error = COALESCE($last_error, last_error)
        WHERE seq = $seq AND lock_token = $lock_token
        """;

    public const string DeadLetterOne = """
        INSERT INTO dead_letters
            (seq, message_id, body, reason, description, delivery_count, dead_lettered_at, enqueued_at, last_error, failed_users)
        SELECT seq, message_id, body, $reason, $description, delivery_count, $now, enqueued_at, last_error, $failed_users
        FROM messages WHERE seq = $seq AND lock_token = $lock_token
        """;

    public const string DeleteOne = "DELETE FROM messages WHERE seq = $seq";

    public const string ReclaimAll =
        "UPDATE messages SET locked_until = 0, lock_token = NULL WHERE locked_until <> 0";

    public const string ReclaimAllExcept = """
        UPDATE messages SET locked_until = 0, lock_token = NULL
        WHERE locked_until <> 0 AND seq NOT IN (SELECT value FROM json_each($held))
        """;

    public const string RecordOwner =
        "INSERT OR REPLACE INTO owner (id, pid, acquired_at) VALUES (1, $pid, $now)";

    public const string ReadOwner = "SELECT pid FROM owner WHERE id = 1";

    // One statement, so the three numbers come from one snapshot.
    public const string Counts = """
        SELECT
            (SELECT COUNT(*) FROM messages WHERE locked_until = 0),
            (SELECT COUNT(*) FROM messages WHERE locked_until <> 0),
            (SELECT COUNT(*) FROM dead_letters)
        """;

    private const string DeadLetterColumns =
        "seq, message_id, body, reason, description, delivery_count, dead_lettered_at, enqueued_at, last_error, failed_users";

    public const string ReadDeadLetters =
        "SELECT " + DeadLetterColumns + " FROM dead_letters WHERE seq > $after ORDER BY seq LIMIT $max";

    public const string ReadDeadLetter = "SELECT " + DeadLetterColumns + " FROM dead_letters WHERE seq = $seq";

    public const string RemoveDeadLetter = "DELETE FROM dead_letters WHERE seq = $seq";
}
