using Microsoft.Data.Sqlite;
using static Microsoft.Data.Sqlite.SqliteType;

namespace TagWorker.Sources.Local;

/// <summary>Every statement of the local queue, prepared once on the I/O thread's connection.</summary>
internal sealed class LocalQueueStatements : IDisposable
{
    public LocalQueueStatements(SqliteConnection connection)
    {
        // Lock tokens are bound as blobs explicitly: Microsoft.Data.Sqlite binds a Guid as text by default, and
        // tokens are 16-byte blobs (randomblob(16)).
        Insert = new(connection, LocalQueueSql.Insert, ("$message_id", Text), ("$body", Blob), ("$now", Integer));
        SelectAvailable = new(connection, LocalQueueSql.SelectAvailable, ("$from", Integer), ("$max", Integer));
        LeaseRange = new(connection, LocalQueueSql.LeaseRange, ("$first", Integer), ("$last", Integer));
        DeadLetterExhausted = new(connection, LocalQueueSql.DeadLetterExhausted,
            ("$seq", Integer), ("$reason", Text), ("$description", Text), ("$now", Integer));
        Complete = new(connection, LocalQueueSql.Complete, ("$seq", Integer), ("$lock_token", Blob));
        Abandon = new(connection, LocalQueueSql.Abandon, ("$seq", Integer), ("$lock_token", Blob), ("$last_error", Text));
        DeadLetterOne = new(connection, LocalQueueSql.DeadLetterOne,
            ("$seq", Integer), ("$lock_token", Blob), ("$reason", Text), ("$description", Text), ("$now", Integer), ("$failed_users", Text));
        DeleteOne = new(connection, LocalQueueSql.DeleteOne, ("$seq", Integer));
        ReclaimAll = new(connection, LocalQueueSql.ReclaimAll);
        ReclaimAllExcept = new(connection, LocalQueueSql.ReclaimAllExcept, ("$held", Text));
        RecordOwner = new(connection, LocalQueueSql.RecordOwner, ("$pid", Integer), ("$now", Integer));
        ReadOwner = new(connection, LocalQueueSql.ReadOwner);
        Counts = new(connection, LocalQueueSql.Counts);
        ReadDeadLetters = new(connection, LocalQueueSql.ReadDeadLetters, ("$after", Integer), ("$max", Integer));
        ReadDeadLetter = new(connection, LocalQueueSql.ReadDeadLetter, ("$seq", Integer));
        RemoveDeadLetter = new(connection, LocalQueueSql.RemoveDeadLetter, ("$seq", Integer));
    }

    public SqlStatement Insert { get; }

    public SqlStatement SelectAvailable { get; }

    public SqlStatement LeaseRange { get; }

    public SqlStatement DeadLetterExhausted { get; }

    public SqlStatement Complete { get; }

    public SqlStatement Abandon { get; }

    public SqlStatement DeadLetterOne { get; }

    public SqlStatement DeleteOne { get; }

    public SqlStatement ReclaimAll { get; }

    public SqlStatement ReclaimAllExcept { get; }

    public SqlStatement RecordOwner { get; }

    public SqlStatement ReadOwner { get; }

    public SqlStatement Counts { get; }

    public SqlStatement ReadDeadLetters { get; }

    public SqlStatement ReadDeadLetter { get; }

    public SqlStatement RemoveDeadLetter { get; }

    public void Dispose()
    {
        foreach (var statement in new[]
        {
            Insert, SelectAvailable, LeaseRange, DeadLetterExhausted, Complete, Abandon, DeadLetterOne, DeleteOne,
            ReclaimAll, ReclaimAllExcept, RecordOwner, ReadOwner, Counts, ReadDeadLetters, ReadDeadLetter, RemoveDeadLetter,
        })
        {
            statement.Dispose();
        }
    }
}
