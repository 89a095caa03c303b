using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's operations as its I/O thread runs them, synchronously and one at a time (so nothing here is
/// locked). It also keeps what only the owner may know: the ownership, and the scan cursor below which every
/// message is leased, so a receive starts where the last one stopped instead of stepping over every held message.
/// </summary>
/// <remarks>
/// The cursor is exact because the owner is the only receiver and every way a leased message becomes available
/// again (abandon, reclaim) goes through this store, which moves the cursor back; other processes only append
/// (enqueue, with higher sequence numbers) or touch the dead-letter table.
/// </remarks>
internal sealed class LocalQueueStore : IDisposable
{
    private readonly LocalQueueDatabase _database;
    private readonly LocalQueueOptions _options;
    private readonly ILogger _logger;
    private long _scanFrom;
    private volatile LocalQueueOwnership? _ownership;

    public LocalQueueStore(string filePath, LocalQueueOptions options, TimeProvider timeProvider, ILogger logger)
    {
        FilePath = filePath;
        _options = options;
        _logger = logger;
        _database = new LocalQueueDatabase(filePath, timeProvider, logger);
    }

    public string FilePath { get; }

    public string LockFilePath => FilePath + ".owner";

    /// <summary>Whether this store holds the queue's ownership (readable from any thread).</summary>
    public bool IsOwner => _ownership is { IsReleased: false };

    public void Enqueue(IReadOnlyList<ReadOnlyMemory<byte>> bodies)
    {
        var insert = _database.Statements.Insert;
        _database.Write(durable: true, (transaction, now) =>
        {
            foreach (var body in bodies)
            {
                insert.Bind(transaction, Guid.NewGuid().ToString("N"), body.ToArray(), now).ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <summary>
    /// Takes the owner lock, then reclaims every lease (whoever held them is gone: the lock is free only when no
    /// process holds it) and records this process as the owner, before anything is received.
    /// </summary>
    public LocalQueueOwnership TakeOwnership()
    {
        if (IsOwner)
        {
            throw new InvalidOperationException($"This LocalQueue owns the local queue {FilePath} already.");
        }

        var statements = _database.Statements;
        var processId = Environment.ProcessId;
        var lockFile = LocalQueueOwnership.TryLock(LockFilePath, processId, out var refusal);
        if (lockFile is null)
        {
            var holder = _database.Read(_ => statements.ReadOwner.Bind(null).ExecuteScalar()) is long pid
                ? pid.ToString(CultureInfo.InvariantCulture)
                : "unknown";
            throw new InvalidOperationException(
                $"The local queue {FilePath} is owned by another worker (process {holder}, lock file {LockFilePath}); "
                + "only one worker may run on a queue file at a time.", refusal);
        }

        int reclaimed;
        try
        {
            reclaimed = _database.Write(durable: false, (transaction, now) =>
            {
                var count = statements.ReclaimAll.Bind(transaction).ExecuteNonQuery();
                statements.RecordOwner.Bind(transaction, processId, now).ExecuteNonQuery();
                return count;
            });
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }

        _scanFrom = 0;
        var ownership = new LocalQueueOwnership(LockFilePath, lockFile, reclaimed);
        _ownership = ownership;
        LocalQueueLog.OwnershipTaken(_logger, FilePath, processId, reclaimed);
        return ownership;
    }

    /// <summary>Makes every leased message available again except <paramref name="held"/>; returns how many.</summary>
    public int ReclaimLeases(IReadOnlyCollection<long> held)
    {
        RequireOwner();
        var reclaim = _database.Statements.ReclaimAllExcept;
        var json = new StringBuilder("[");
        foreach (var sequenceNumber in held)
        {
            json.Append(json.Length > 1 ? "," : string.Empty).Append(sequenceNumber.ToString(CultureInfo.InvariantCulture));
        }

        var heldJson = json.Append(']').ToString();
        var reclaimed = _database.Write(durable: false, (transaction, _) => reclaim.Bind(transaction, heldJson).ExecuteNonQuery());
        if (reclaimed > 0)
        {
            _scanFrom = 0;
            LocalQueueLog.LeasesReclaimed(_logger, FilePath, reclaimed);
        }

        return reclaimed;
    }

    public ReceivedBatch Receive(int maxMessages)
    {
        RequireOwner();
        var statements = _database.Statements;
        var leased = new List<LeasedMessage>(Math.Min(maxMessages, 4096));
        var exhausted = new List<Candidate>();
        var scanFrom = _scanFrom;
        var more = false;
        _database.Write(durable: false, (transaction, now) =>
        {
            while (leased.Count < maxMessages)
            {
                // One row past what is needed tells whether more are waiting, without counting them.
                var need = maxMessages - leased.Count;
                var candidates = SelectAvailable(statements, transaction, scanFrom, need + 1);
                more = candidates.Count > need;
                if (more)
                {
                    candidates.RemoveAt(need);
                }

                if (candidates.Count == 0)
                {
                    break;
                }

                var exhaustedBefore = exhausted.Count;
                foreach (var candidate in candidates)
                {
                    if (candidate.DeliveryCount >= _options.MaxDeliveryCount)
                    {
                        DeadLetterExhausted(statements, transaction, now, candidate);
                        exhausted.Add(candidate);
                    }
                }

                if (exhausted.Count - exhaustedBefore < candidates.Count)
                {
                    Lease(statements, transaction, candidates[0].SequenceNumber, candidates[^1].SequenceNumber, leased);
                }

                scanFrom = candidates[^1].SequenceNumber + 1;

                // Only dead-lettering can leave room for more in this window; otherwise the queue has no more.
                if (exhausted.Count == exhaustedBefore)
                {
                    break;
                }
            }

            return 0;
        });

        // Only once committed: a rolled-back receive leased nothing and must not move the cursor.
        _scanFrom = scanFrom;
        foreach (var candidate in exhausted)
        {
            LocalQueueLog.MaxDeliveryCountExceeded(_logger, candidate.MessageId, candidate.SequenceNumber, candidate.DeliveryCount);
        }

        leased.Sort(static (a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
        return new ReceivedBatch(leased, more);
    }

    /// <summary>
    /// Writes <paramref name="batch"/> in one transaction and completes each settlement: written, lock lost (its
    /// token no longer holds the message), or, when the transaction failed, that failure for all of them.
    /// </summary>
    public void WriteSettlements(List<PendingSettlement> batch)
    {
        bool[] written;
        try
        {
            var statements = _database.Statements;
            written = _database.Write(durable: false, (transaction, now) =>
            {
                var results = new bool[batch.Count];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = Apply(statements, transaction, now, batch[i]);
                }

                return results;
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
            var settlement = batch[i];
            if (!written[i])
            {
                settlement.Fail(new MessageLockLostException(settlement.SequenceNumber));
                continue;
            }

            if (settlement.Kind == SettlementKind.Abandon)
            {
                _scanFrom = Math.Min(_scanFrom, settlement.SequenceNumber);
            }

            settlement.Succeed();
        }
    }

    public LocalQueueCounts Counts()
    {
        var counts = _database.Statements.Counts;
        return _database.Read(_ =>
        {
            using var reader = counts.Bind(null).ExecuteReader();
            reader.Read();
            return new LocalQueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        });
    }

    public IReadOnlyList<DeadLetteredMessage> ReadDeadLetters(long afterSequenceNumber, int maxMessages)
    {
        var read = _database.Statements.ReadDeadLetters;
        return _database.Read(_ =>
        {
            using var reader = read.Bind(null, afterSequenceNumber, maxMessages).ExecuteReader();
            var messages = new List<DeadLetteredMessage>();
            while (reader.Read())
            {
                messages.Add(ReadDeadLetter(reader));
            }

            return messages;
        });
    }

    public DeadLetteredMessage? ReadDeadLetter(long sequenceNumber)
    {
        var read = _database.Statements.ReadDeadLetter;
        return _database.Read(_ =>
        {
            using var reader = read.Bind(null, sequenceNumber).ExecuteReader();
            return reader.Read() ? ReadDeadLetter(reader) : null;
        });
    }

    public bool RemoveDeadLetter(long sequenceNumber)
    {
        var remove = _database.Statements.RemoveDeadLetter;
        return _database.Write(durable: false, (transaction, _) => remove.Bind(transaction, sequenceNumber).ExecuteNonQuery() == 1);
    }

    /// <summary>Releases the ownership (if held) and closes the file.</summary>
    public void Dispose()
    {
        _ownership?.Dispose();
        _database.Dispose();
    }

    private void RequireOwner()
    {
        if (!IsOwner)
        {
            throw new InvalidOperationException(
                $"Only the owner of the local queue {FilePath} receives from it or reclaims its leases; take ownership first.");
        }
    }

    private static bool Apply(LocalQueueStatements statements, SqliteTransaction transaction, long now, PendingSettlement settlement)
    {
        var seq = settlement.SequenceNumber;
        var token = settlement.LockToken;
        switch (settlement.Kind)
        {
            case SettlementKind.Complete:
                return statements.Complete.Bind(transaction, seq, token).ExecuteNonQuery() == 1;
            case SettlementKind.Abandon:
                return statements.Abandon.Bind(transaction, seq, token, settlement.Text).ExecuteNonQuery() == 1;
            case SettlementKind.DeadLetter:
                if (statements.DeadLetterOne.Bind(transaction, seq, token, settlement.Reason, settlement.Description, now, settlement.Text)
                    .ExecuteNonQuery() != 1)
                {
                    return false;
                }

                statements.DeleteOne.Bind(transaction, seq).ExecuteNonQuery();
                return true;
            default:
                throw new InvalidOperationException($"Unknown settlement kind {settlement.Kind}.");
        }
    }

    private static List<Candidate> SelectAvailable(LocalQueueStatements statements, SqliteTransaction transaction, long from, int max)
    {
        using var reader = statements.SelectAvailable.Bind(transaction, from, max).ExecuteReader();
        var candidates = new List<Candidate>(Math.Min(max, 4096));
        while (reader.Read())
        {
            candidates.Add(new Candidate(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return candidates;
    }

    private void DeadLetterExhausted(LocalQueueStatements statements, SqliteTransaction transaction, long now, Candidate candidate)
    {
        var description = string.Create(CultureInfo.InvariantCulture,
            $"The message reached LocalQueue:MaxDeliveryCount ({_options.MaxDeliveryCount}) deliveries without being settled");
        description += candidate.LastError is null ? "." : "; last error: " + candidate.LastError;
        statements.DeadLetterExhausted
            .Bind(transaction, candidate.SequenceNumber, LocalQueue.MaxDeliveryCountExceededReason, description, now)
            .ExecuteNonQuery();
        statements.DeleteOne.Bind(transaction, candidate.SequenceNumber).ExecuteNonQuery();
    }

    private static void Lease(LocalQueueStatements statements, SqliteTransaction transaction, long first, long last, List<LeasedMessage> leased)
    {
        using var reader = statements.LeaseRange.Bind(transaction, first, last).ExecuteReader();
        while (reader.Read())
        {
            leased.Add(new LeasedMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetFieldValue<byte[]>(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetInt32(4),
                reader.GetGuid(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
    }

    private static DeadLetteredMessage ReadDeadLetter(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetFieldValue<byte[]>(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt32(5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        FailedUsersJson.Deserialize(reader.IsDBNull(9) ? null : reader.GetString(9)));

    private readonly record struct Candidate(long SequenceNumber, string MessageId, int DeliveryCount, string? LastError);
}
