using Microsoft.Data.Sqlite;

namespace TagWorker.Sources.Local;

/// <summary>
/// The statements that write settlements in one transaction, each prepared once and reused for a whole batch. Every
/// statement matches the message by sequence number and lock token, so a lost lock writes nothing.
/// </summary>
internal sealed class SettlementStatements : IDisposable
{
    private readonly LockStatement _complete;
    private readonly LockStatement _abandon;
    private readonly LockStatement _deadLetter;
    private readonly SqliteParameter _reason;
    private readonly SqliteParameter _description;
    private readonly SqliteCommand _delete;
    private readonly SqliteParameter _deleteSeq;

    public SettlementStatements(SqliteConnection connection, SqliteTransaction transaction, long now)
    {
        _complete = new LockStatement(connection, transaction, LocalQueueSql.Complete);
        _abandon = new LockStatement(connection, transaction, LocalQueueSql.Abandon);
        _deadLetter = new LockStatement(connection, transaction, LocalQueueSql.DeadLetterOne);
        _reason = _deadLetter.Command.Parameters.Add("$reason", SqliteType.Text);
        _description = _deadLetter.Command.Parameters.Add("$description", SqliteType.Text);
        _deadLetter.Command.Parameters.AddWithValue("$now", now);
        _delete = LocalQueueDatabase.Command(connection, transaction, LocalQueueSql.DeleteOne);
        _deleteSeq = _delete.Parameters.Add("$seq", SqliteType.Integer);
    }

    /// <summary>Writes the settlement; false when its token no longer holds the message.</summary>
    public bool Apply(PendingSettlement settlement)
    {
        switch (settlement.Kind)
        {
            case SettlementKind.Complete:
                return _complete.Execute(settlement);
            case SettlementKind.Abandon:
                return _abandon.Execute(settlement);
            case SettlementKind.DeadLetter:
                _reason.Value = settlement.Reason;
                _description.Value = settlement.Description;
                if (!_deadLetter.Execute(settlement))
                {
                    return false;
                }

                _deleteSeq.Value = settlement.SequenceNumber;
                _delete.ExecuteNonQuery();
                return true;
            default:
                throw new InvalidOperationException($"Unknown settlement kind {settlement.Kind}.");
        }
    }

    public void Dispose()
    {
        _complete.Dispose();
        _abandon.Dispose();
        _deadLetter.Dispose();
        _delete.Dispose();
    }

    private sealed class LockStatement : IDisposable
    {
        private readonly SqliteParameter _seq;
        private readonly SqliteParameter _lockToken;

        public LockStatement(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            Command = LocalQueueDatabase.Command(connection, transaction, sql);
            _seq = Command.Parameters.Add("$seq", SqliteType.Integer);

            // A blob, explicitly: Microsoft.Data.Sqlite binds a Guid as text by default, and tokens are 16-byte blobs.
            _lockToken = Command.Parameters.Add("$lock_token", SqliteType.Blob);
        }

        public SqliteCommand Command { get; }

        public bool Execute(PendingSettlement settlement)
        {
            _seq.Value = settlement.SequenceNumber;
            _lockToken.Value = settlement.LockToken;
            return Command.ExecuteNonQuery() == 1;
        }

        public void Dispose() => Command.Dispose();
    }
}
