using System.Globalization;
using Microsoft.Data.Sqlite;
using TagWorker.Sources.Local;
using static TagWorker.Tests.Sources.Local.LocalQueueTestContext;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueMigrationTests
{
    // The schema TagWorker wrote before version 2, verbatim, with its lease rule (available when locked_until <= now).
    private const string Version1Schema = """
        PRAGMA journal_mode = WAL;
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
        PRAGMA user_version = 1;
        """;

    [Fact]
    public async Task Open_Version1File_MigratesInPlaceKeepingMessagesLeasesAndDeadLetters()
    {
        await using var context = new LocalQueueTestContext();
        var now = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var deadLetteredAt = now - 60_000;
        Execute(context.Options.Path, Version1Schema + string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO messages (seq, message_id, body, enqueued_at, delivery_count, locked_until, lock_token) VALUES
                (1, 'id-dead', x'6430', {now - 90_000}, 3, 0, NULL);
            DELETE FROM messages WHERE seq = 1;
            INSERT INTO dead_letters VALUES (1, 'id-dead', x'6430', 'InvalidEvent', 'users[0] is empty', 3, {deadLetteredAt});
            INSERT INTO messages (seq, message_id, body, enqueued_at, delivery_count, locked_until, lock_token) VALUES
                (2, 'id-available', x'6d30', {now - 5_000}, 0, 0, NULL),
                (3, 'id-expired', x'6d31', {now - 5_000}, 1, {now - 1}, x'00112233445566778899aabbccddeeff'),
                (4, 'id-live', x'6d32', {now - 5_000}, 2, {now + 30_000}, x'ffeeddccbbaa99887766554433221100'),
                (5, 'id-later', x'6d33', {now - 4_000}, 0, 0, NULL);
            """));
        var queue = context.CreateQueue();

        var countsOnOpen = await queue.GetCountsAsync(Cancellation);
        var deadLetter = Assert.Single(await queue.ReadDeadLettersAsync(10, Cancellation));
        var ownership = await queue.TakeOwnershipAsync(Cancellation);
        var messages = await queue.ReceiveAsync(10, Cancellation);
        await queue.AbandonAsync(messages[0].SequenceNumber, messages[0].LockToken, "HTTP 502", Cancellation);
        await queue.EnqueueAsync([Body("m4")], Cancellation);
        var afterMigration = await queue.ReceiveAsync(10, Cancellation);

        // An expired v1 lock was an available message; a live one is a lease the next owner reclaims.
        Assert.Equal(new LocalQueueCounts(3, 1, 1), countsOnOpen);
        Assert.Equal(2, SchemaVersion(context.Options.Path));
        Assert.Equal((1L, "id-dead", "d0", "InvalidEvent", "users[0] is empty", 3), (deadLetter.SequenceNumber, deadLetter.MessageId, Text(deadLetter.Body), deadLetter.Reason, deadLetter.Description, deadLetter.DeliveryCount));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(deadLetteredAt), deadLetter.DeadLetteredAt);
        Assert.Null(deadLetter.EnqueuedAt);
        Assert.Null(deadLetter.LastError);
        Assert.Null(deadLetter.FailedUsers);
        Assert.Equal(1, ownership.ReclaimedLeases);
        Assert.Equal(["id-available", "id-expired", "id-live", "id-later"], messages.Select(m => m.MessageId));
        Assert.Equal(["m0", "m1", "m2", "m3"], messages.Select(m => Text(m.Body)));
        Assert.Equal([1, 2, 3, 1], messages.Select(m => m.DeliveryCount));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(now - 5_000), messages[0].EnqueuedAt);
        Assert.Equal(["m0", "m4"], afterMigration.Select(m => Text(m.Body)));
        Assert.Equal("HTTP 502", afterMigration[0].LastError);
        Assert.True(afterMigration[1].SequenceNumber > 5);
    }

    [Fact]
    public async Task Open_Version1FileTwice_MigratesOnce()
    {
        await using var context = new LocalQueueTestContext();
        Execute(context.Options.Path, Version1Schema + "INSERT INTO messages (message_id, body, enqueued_at) VALUES ('a', x'6d30', 0);");
        var first = context.CreateQueue();
        await first.GetCountsAsync(Cancellation);
        first.Dispose();

        var second = await context.CreateOwnedQueueAsync();
        var messages = await second.ReceiveAsync(10, Cancellation);

        Assert.Equal(["m0"], messages.Select(m => Text(m.Body)));
        Assert.Equal(2, SchemaVersion(context.Options.Path));
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_FailsNamingTheFileAndLeavesItAlone()
    {
        await using var context = new LocalQueueTestContext();
        Execute(context.Options.Path, "PRAGMA user_version = 3;");
        var queue = context.CreateQueue();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.GetCountsAsync(Cancellation));

        Assert.Contains(queue.FilePath, failure.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 3", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, SchemaVersion(context.Options.Path));
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long SchemaVersion(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }
}
