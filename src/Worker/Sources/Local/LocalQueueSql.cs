namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's SQL. Times are Unix milliseconds (UTC); a message is available when
/// <c>locked_until &lt;= now</c>, so 0 means "never leased or given back". Lists of sequence numbers are passed as
/// one JSON array parameter (<c>json_each</c>) so a batch is one statement, not one per message.
/// </summary>
internal static class LocalQueueSql
{
    /// <summary>Schema version stored in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    // AUTOINCREMENT: a sequence number is never reused, even after the newest message is deleted, so a lock token
    // check by (seq, token) can never match a different message and dead_letters.seq stays unique.
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NOT NULL DEFAULT 0,
            lock_token BLOB NULL
        );
        CREATE TABLE IF NOT EXISTS dead_letters (
            seq INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            body BLOB NOT NULL,
            reason TEXT NOT NULL,
            description TEXT NOT NULL,
            delivery_count INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL
        );
        """;

    public const string Insert =
        "INSERT INTO messages (message_id, body, enqueued_at) VALUES ($message_id, $body, $now)";

    // Walks the primary key in order and skips leased rows; at most MaxConcurrentMessages (per receiver) are
    // leased, so the skipped prefix stays bounded, while an index on locked_until would cost every lease a write.
    public const string SelectAvailable = """
        SELECT seq, message_id, delivery_count FROM messages
        WHERE locked_until <= $now ORDER BY seq LIMIT $max
        """;

    public const string Lease = """
        UPDATE messages
        SET delivery_count = delivery_count + 1, locked_until = $locked_until, lock_token = randomblob(16)
        WHERE seq IN (SELECT value FROM json_each($seqs))
        RETURNING seq, message_id, body, enqueued_at, delivery_count, lock_token
        """;

    public const string DeadLetterMany = """
        INSERT INTO dead_letters (seq, message_id, body, reason, description, delivery_count, dead_lettered_at)
        SELECT seq, message_id, body, $reason, $description, delivery_count, $now FROM messages
        WHERE seq IN (SELECT value FROM json_each($seqs));
        DELETE FROM messages WHERE seq IN (SELECT value FROM json_each($seqs));
        """;

    public const string Complete = "DELETE FROM messages WHERE seq = $seq AND lock_token = $lock_token";

    public const string Abandon = """
        UPDATE messages SET locked_until = 0, lock_token = NULL WHERE seq = $seq AND lock_token = $lock_token
        """;

    public const string DeadLetterOne = """
        INSERT INTO dead_letters (seq, message_id, body, reason, description, delivery_count, dead_lettered_at)
        SELECT seq, message_id, body, $reason, $description, delivery_count, $now FROM messages
        WHERE seq = $seq AND lock_token = $lock_token
        """;

    public const string DeleteOne = "DELETE FROM messages WHERE seq = $seq";

    public const string Renew =
        "UPDATE messages SET locked_until = $locked_until WHERE seq = $seq AND lock_token = $lock_token";

    // One statement, so the three numbers come from one snapshot.
    public const string Counts = """
        SELECT
            (SELECT COUNT(*) FROM messages WHERE locked_until <= $now),
            (SELECT COUNT(*) FROM messages WHERE locked_until > $now),
            (SELECT COUNT(*) FROM dead_letters)
        """;

    public const string ReadDeadLetters = """
        SELECT seq, message_id, body, reason, description, delivery_count, dead_lettered_at
        FROM dead_letters ORDER BY seq LIMIT $max
        """;
}
