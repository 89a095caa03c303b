using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TagWorker.Contracts;
using TagWorker.Sources;

namespace TagWorker.Tests.Cli;

/// <summary>
/// The <c>deadletters</c> verbs through the real command line and production host: an in-memory dead-letter store
/// stands in for the source's, and replays go through the configured source's real writer (a local queue file).
/// </summary>
public sealed class DeadLettersCommandTests : IDisposable
{
    private const string MalformedBody = "{\"version\":1,\"eventId\":\"bad-1\",\"op\":\"add\",\"users\":[\"u1\"";

    private readonly TemporaryQueue _queue = new();
    private readonly InMemoryDeadLetterStore _store = new InMemoryDeadLetterStore()
        .Add(DeadLetters.Rejected("17", "seg-1", ["u1", "u2", "u3", "u4"], ["u4", "u2"], ["vip", "标签"]))
        .Add(DeadLetters.Whole("18", "InvalidEvent", MalformedBody, "$: malformed JSON at line 1, byte 50"))
        .Add(DeadLetters.Whole("19", "WrongSession", DeadLetters.Event("one-1", "removeAll", ["u9"], [])));

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task List_Json_PrintsOneObjectALineWithTheFieldsToolsRead()
    {
        var run = await RunAsync("deadletters", "list", "--json");

        Assert.Equal(0, run.ExitCode);
        var lines = run.OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["17", "18", "19"], lines.Select(l => l.GetProperty("id").GetString()));

        var segment = lines[0];
        Assert.Equal("Rejected", segment.GetProperty("reason").GetString());
        Assert.Equal("2 of 4 users failed: u4 90032, u2 90032", segment.GetProperty("description").GetString());
        Assert.Equal(1, segment.GetProperty("deliveryCount").GetInt32());
        Assert.Equal("2026-11-25T10:00:00Z", segment.GetProperty("enqueuedAt").GetString());
        Assert.Equal("2026-11-25T10:00:05Z", segment.GetProperty("deadLetteredAt").GetString());
        Assert.Equal("add", segment.GetProperty("op").GetString());
        Assert.Equal(4, segment.GetProperty("userCount").GetInt32());
        Assert.Equal(["u4", "u2"], segment.GetProperty("failedUsers").EnumerateArray().Select(u => u.GetString()));

        var invalid = lines[1];
        Assert.Equal("InvalidEvent", invalid.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, invalid.GetProperty("op").ValueKind);
        Assert.Equal(JsonValueKind.Null, invalid.GetProperty("userCount").ValueKind);
        Assert.Equal(JsonValueKind.Null, invalid.GetProperty("failedUsers").ValueKind);

        var whole = lines[2];
        Assert.Equal("removeAll", whole.GetProperty("op").GetString());
        Assert.Equal(1, whole.GetProperty("userCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("failedUsers").ValueKind);
    }

    [Fact]
    public async Task List_Human_PrintsAHeaderALinePerDeadLetterAndTheCount()
    {
        var run = await RunAsync("deadletters", "list");

        Assert.Equal(0, run.ExitCode);
        var lines = run.OutputLines;
        Assert.Equal(5, lines.Count);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^17\s+Rejected\s+1\s+2026-11-25 10:00:05\s+add\s+4\s+2\s+2 of 4 users failed", lines[1]);
        Assert.Matches(@"^18\s+InvalidEvent\s+1\s+\S+ \S+\s+-\s+-\s+all\s+\$: malformed JSON", lines[2]);
        Assert.Equal("3 dead letters", lines[4]);
    }

    [Fact]
    public async Task List_NoDeadLetters_SaysSo()
    {
        var run = await CliRun.RunAsync(["deadletters", "list", _queue.Setting], UseStore(new InMemoryDeadLetterStore()));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["no dead letters"], run.OutputLines);
    }

    [Fact]
    public async Task Show_PrintsEverythingWithFailedUsersCodesAndIndentedBody()
    {
        var run = await RunAsync("deadletters", "show", "17");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("event id         seg-1", run.Output, StringComparison.Ordinal);
        Assert.Contains("session id       7", run.Output, StringComparison.Ordinal);
        Assert.Contains("failed users     2 of 4", run.Output, StringComparison.Ordinal);
        Assert.Contains("  u4  code 90032  Rejected  the user has 100 tags", run.Output, StringComparison.Ordinal);
        Assert.Contains("replay           would send add to 2 of 4 users as a new event", run.Output, StringComparison.Ordinal);
        Assert.Contains("\n{\n  \"version\": 1,\n  \"eventId\": \"seg-1\",", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"标签\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_InvalidBody_PrintsTheReasonAndTheRawText()
    {
        var run = await RunAsync("deadletters", "show", "18");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("failed users     all (the whole message failed)", run.Output, StringComparison.Ordinal);
        Assert.Contains("replay           refused: the body is not a valid event", run.Output, StringComparison.Ordinal);
        Assert.Contains("body (not JSON, as received):\n" + MalformedBody, run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownId_ExitsOneNamingIt()
    {
        var run = await RunAsync("deadletters", "show", "99");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("tagworker: no dead letter '99'", run.Error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Replay_PartialFailure_RepublishesOnlyTheFailedUsersAsANewEventThenRemovesTheDeadLetter()
    {
        var run = await RunAsync("deadletters", "replay", "17");

        Assert.Equal(0, run.ExitCode);
        var replay = Assert.Single(await _queue.ReadAllAsync());
        Assert.Equal(["u2", "u4"], replay.Users);
        Assert.Equal(["vip", "标签"], replay.Tags);
        Assert.Equal(TagOperation.Add, replay.Op);
        Assert.Equal("seg-1", replay.ReplayOf);
        Assert.NotEqual("seg-1", replay.EventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 59, 0, TimeSpan.Zero), replay.OccurredAt);
        Assert.Equal(["18", "19"], _store.Ids);
        Assert.StartsWith($"replayed 17: sent add for 2 of 4 users (u2, u4) as event {replay.EventId} (replayOf seg-1); dead letter removed", run.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_All_RepublishesWholeMessagesRefusesAnInvalidBodyKeepsItAndExitsOne()
    {
        var run = await RunAsync("deadletters", "replay", "--all");

        Assert.Equal(1, run.ExitCode);
        var replays = await _queue.ReadAllAsync();
        Assert.Equal(["seg-1", "one-1"], replays.Select(r => r.ReplayOf));
        Assert.Equal(["u9"], replays[1].Users);
        Assert.Equal(TagOperation.RemoveAll, replays[1].Op);
        Assert.Equal(["18"], _store.Ids);
        Assert.StartsWith("refused 18: the body is not a valid event ($: malformed JSON", run.OutputLines[1], StringComparison.Ordinal);
        Assert.EndsWith("; dead letter kept", run.OutputLines[1], StringComparison.Ordinal);
        Assert.Equal("replayed 2, not replayed 1", run.OutputLines[^1]);
    }

    [Fact]
    public async Task Replay_UnknownId_ReportsItDoesTheOthersAndExitsOne()
    {
        var run = await RunAsync("deadletters", "replay", "99", "19");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("not found 99: no such dead letter", run.OutputLines[0]);
        Assert.Equal("one-1", Assert.Single(await _queue.ReadAllAsync()).ReplayOf);
        Assert.Equal(["17", "18"], _store.Ids);
    }

    [Fact]
    public async Task Replay_SourceRefusesTheSend_KeepsTheDeadLetterAndExitsOne()
    {
        var run = await CliRun.RunAsync(["deadletters", "replay", "17", _queue.Setting], builder =>
        {
            UseStore(_store)(builder);
            builder.Services.AddSingleton<ITagEventWriter>(new FailingWriter());
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["17", "18", "19"], _store.Ids);
        Assert.StartsWith("failed 17: sending add for 2 of 4 users", run.OutputLines[0], StringComparison.Ordinal);
        Assert.EndsWith("failed: the entity is disabled; dead letter kept", run.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_Ids_RemovesThemPrintingEachAndExitsOneForAnUnknownId()
    {
        var run = await RunAsync("deadletters", "purge", "18", "99");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["17", "19"], _store.Ids);
        Assert.Equal("purged 18: InvalidEvent, body not a valid event", run.OutputLines[0]);
        Assert.Equal("not found 99: no such dead letter", run.OutputLines[1]);
        Assert.Empty(await _queue.ReadAllAsync());
    }

    [Fact]
    public async Task Purge_All_RemovesEveryDeadLetter()
    {
        var run = await RunAsync("deadletters", "purge", "--all");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(_store.Ids);
        Assert.Equal("purged 17: Rejected, add of 4 users, event seg-1", run.OutputLines[0]);
        Assert.Equal("purged 3, not purged 0", run.OutputLines[^1]);
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, _queue.Setting], UseStore(_store));

    private static Action<IHostApplicationBuilder> UseStore(IDeadLetterStore store) =>
        builder => builder.Services.AddSingleton(store);

    private sealed class FailingWriter : ITagEventWriter
    {
        public Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the entity is disabled");
    }
}
