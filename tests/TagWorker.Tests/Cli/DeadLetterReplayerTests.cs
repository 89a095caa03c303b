using TagWorker.Cli;
using TagWorker.Contracts;
using TagWorker.Sources;

namespace TagWorker.Tests.Cli;

public class DeadLetterReplayerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplayAsync_SendsTheReplayBeforeItRemovesTheDeadLetter()
    {
        var log = new List<string>();
        var store = new InMemoryDeadLetterStore(log).Add(DeadLetters.Rejected("1", "e-1", ["u1", "u2"], ["u1"]));
        var replayer = new DeadLetterReplayer(store, new RecordingWriter(log), TimeProvider.System, () => "new-1");

        var result = await replayer.ReplayAsync((await store.GetAsync("1", Ct))!, Ct);

        Assert.Equal(ReplayStatus.Replayed, result.Status);
        Assert.Equal(["send new-1 replayOf e-1 users u1", "remove 1"], log);
    }

    [Fact]
    public async Task ReplayAsync_CancelledWhileSending_ThrowsAndKeepsTheDeadLetter()
    {
        var log = new List<string>();
        var store = new InMemoryDeadLetterStore(log).Add(DeadLetters.Rejected("1", "e-1", ["u1", "u2"], ["u1"]));
        var writer = new BlockingWriter();
        var replayer = new DeadLetterReplayer(store, writer, TimeProvider.System, () => "new-1");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var replay = replayer.ReplayAsync((await store.GetAsync("1", Ct))!, cancellation.Token);
        await writer.Sending.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => replay);
        Assert.Equal(["1"], store.Ids);
        Assert.Empty(log);
    }

    [Fact]
    public async Task ReplayAsync_RemovalFails_ReportsThatTheReplayWasSentAndSaysToPurge()
    {
        var replayer = new DeadLetterReplayer(new FailingRemovalStore(), new RecordingWriter([]), TimeProvider.System, () => "new-1");

        var result = await replayer.ReplayAsync(DeadLetters.Rejected("1", "e-1", ["u1"], ["u1"]), Ct);

        Assert.Equal(ReplayStatus.RemoveFailed, result.Status);
        Assert.False(result.Succeeded);
        Assert.Contains("purge it", DeadLetterText.Replay(result), StringComparison.Ordinal);
        Assert.Contains("sent add for 1 of 1 users (u1) as event new-1", DeadLetterText.Replay(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayAsync_DeadLetterGoneMeanwhile_IsNotASuccess()
    {
        var replayer = new DeadLetterReplayer(new InMemoryDeadLetterStore(), new RecordingWriter([]), TimeProvider.System, () => "new-1");

        var result = await replayer.ReplayAsync(DeadLetters.Rejected("1", "e-1", ["u1"], ["u1"]), Ct);

        Assert.Equal(ReplayStatus.AlreadyRemoved, result.Status);
    }

    [Fact]
    public void Plan_FailedUsersInEventOrder_WithTheOriginalOpTagsAndOccurredAt()
    {
        var plan = DeadLetterReplayer.Plan(new DeadLetterView(DeadLetters.Rejected("1", "e-1", ["u3", "u1", "u2"], ["u2", "u3"], ["a", "b"])), "new-1");

        var replay = plan.Replay!;
        Assert.Equal(["u3", "u2"], replay.Users);
        Assert.Equal(["a", "b"], replay.Tags);
        Assert.Equal(("new-1", "e-1", TagOperation.Add), (replay.EventId, replay.ReplayOf, replay.Op));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 59, 0, TimeSpan.Zero), replay.OccurredAt);
        Assert.Equal(3, plan.OriginalUserCount);
        Assert.True(TagChangeEventParser.Parse(TagChangeEventSerializer.SerializeToUtf8Bytes(replay)).IsValid);
    }

    [Fact]
    public void Plan_AReplayDeadLetteredAgain_PointsAtTheEventItReplays()
    {
        var body = DeadLetters.Event("r-1", "add", ["u1"], ["a"]).Replace("}", ",\"replayOf\":\"e-0\"}", StringComparison.Ordinal);

        var plan = DeadLetterReplayer.Plan(new DeadLetterView(DeadLetters.Whole("1", "Rejected", body)), "r-2");

        Assert.Equal(("r-2", "r-1"), (plan.Replay!.EventId, plan.Replay.ReplayOf));
    }

    [Theory]
    [InlineData(new string[0], "it lists no failed users")]
    [InlineData(new[] { "x1", "x2" }, "none of its failed users (x1, x2) is in the event")]
    public void Plan_NoFailedUserInTheEvent_IsRefused(string[] failed, string reason)
    {
        var record = DeadLetters.Rejected("1", "e-1", ["u1"], ["u1"]) with
        {
            FailedUsers = [.. failed.Select(f => new FailedUser(f, 90032, "Rejected", null))],
        };

        var plan = DeadLetterReplayer.Plan(new DeadLetterView(record), "new-1");

        Assert.Null(plan.Replay);
        Assert.StartsWith(reason, plan.Refusal, StringComparison.Ordinal);
    }

    private sealed class RecordingWriter(List<string> log) : ITagEventWriter
    {
        public Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken)
        {
            foreach (var body in bodies)
            {
                var e = TagChangeEventParser.Parse(body.Span).Event!;
                log.Add($"send {e.EventId} replayOf {e.ReplayOf} users {string.Join(",", e.Users)}");
            }

            return Task.CompletedTask;
        }
    }

    private sealed class BlockingWriter : ITagEventWriter
    {
        private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Sending => _sending.Task;

        public async Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken)
        {
            _sending.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }

    private sealed class FailingRemovalStore : IDeadLetterStore
    {
        public IAsyncEnumerable<DeadLetterRecord> ListAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<DeadLetterRecord>();

        public Task<DeadLetterRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<DeadLetterRecord?>(null);

        public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the lock on the dead letter was lost");
    }
}
