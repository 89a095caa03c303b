using System.Text;
using TagWorker.Contracts;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Intake;

/// <summary>
/// Intake's checks before the pipeline: a session message naming a user of another partition is dead-lettered at
/// once as <c>WrongSession</c> (applied, it could race that user's changes in the session that owns them), with a
/// description naming the user, its partition and the message's SessionId; the messages around it are unaffected.
/// </summary>
public sealed class EventIntakeTests
{
    private const int Partitions = 16;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcceptAsync_SessionMessageWithAUserOfAnotherPartition_DeadLettersItAsWrongSessionAndSendsNothing()
    {
        var (session, home, stranger) = Accounts();
        await using var harness = new PipelineHarness(new() { ["ServiceBus:PartitionCount"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var before = Message("m1", session, Add("e1", home, "x"));
        using var wrong = Message("m2", session, Add("e2", home, stranger, "y"));
        using var after = Message("m3", session, Add("e3", home, "z"));

        await harness.Intake.AcceptAsync(before, coordinator, Ct);
        await harness.Intake.AcceptAsync(wrong, coordinator, Ct);
        await harness.Intake.AcceptAsync(after, coordinator, Ct);

        Assert.Equal("dead-lettered", await wrong.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("completed", await before.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("completed", await after.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(DeadLetterReasons.WrongSession, wrong.DeadLetterReason);
        Assert.Null(wrong.FailedUsers);
        var partition = TagEventPartitioner.SessionIdFor(stranger, Partitions);
        Assert.Contains($"users[1]: user '{stranger}' belongs to session partition '{partition}'", wrong.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Contains($"ServiceBus:PartitionCount {Partitions}", wrong.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Contains($"the message's SessionId is '{session}'", wrong.DeadLetterDescription, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Api.Calls, c => c.Users.Any(u => u.Account == stranger));
        Assert.Equal(["x", "z"], harness.Api.Snapshot()[home].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AcceptAsync_MessageWithoutSession_TakesAnyUsers()
    {
        var (_, home, stranger) = Accounts();
        await using var harness = new PipelineHarness(new() { ["ServiceBus:PartitionCount"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var message = Message("m1", session: null, Add("e1", home, stranger, "x"));

        await harness.Intake.AcceptAsync(message, coordinator, Ct);

        Assert.Equal("completed", await message.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(["x"], harness.Api.Snapshot()[stranger]);
    }

    [Fact]
    public async Task AcceptAsync_DefaultPartitionCount_ChecksAgainstSixteenPartitions()
    {
        var (session, home, stranger) = Accounts();
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var right = Message("m1", session, Add("e1", home, "x"));
        using var wrong = Message("m2", session, Add("e2", stranger, "y"));

        await harness.Intake.AcceptAsync(right, coordinator, Ct);
        await harness.Intake.AcceptAsync(wrong, coordinator, Ct);

        Assert.Equal("completed", await right.Settled.WaitAsync(Wait, Ct));
        Assert.Equal("dead-lettered", await wrong.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(DeadLetterReasons.WrongSession, wrong.DeadLetterReason);
        Assert.Contains("users[0]", wrong.DeadLetterDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_InvalidBody_DeadLettersItAsInvalidEventWithoutFailedUsers()
    {
        await using var harness = new PipelineHarness();
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        using var invalid = new RecordingSourceMessage("m1", Encoding.UTF8.GetBytes("""{"version":1,"eventId":"e1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":[""],"tags":["x"]}"""));

        await harness.Intake.AcceptAsync(invalid, coordinator, Ct);

        Assert.Equal("dead-lettered", await invalid.Settled.WaitAsync(Wait, Ct));
        await DrainAsync(coordinator, loop);
        Assert.Equal(DeadLetterReasons.InvalidEvent, invalid.DeadLetterReason);
        Assert.Null(invalid.FailedUsers);
        Assert.Empty(harness.Api.Calls);
    }

    /// <summary>A session id, an account of that partition and one of another (with 16 partitions).</summary>
    private static (string Session, string Home, string Stranger) Accounts()
    {
        var accounts = Enumerable.Range(0, 200).Select(i => $"user{i}").ToArray();
        var home = accounts[0];
        var session = TagEventPartitioner.SessionIdFor(home, Partitions);
        var stranger = accounts.First(a => TagEventPartitioner.SessionIdFor(a, Partitions) != session);
        return (session, home, stranger);
    }

    private static string Add(string id, params string[] usersThenTag) =>
        $$"""{"version":1,"eventId":"{{id}}","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":[{{string.Join(',', usersThenTag[..^1].Select(u => $"\"{u}\""))}}],"tags":["{{usersThenTag[^1]}}"]}""";

    private static RecordingSourceMessage Message(string id, string? session, string json) =>
        new(id, Encoding.UTF8.GetBytes(json)) { Session = session };

    private static async Task DrainAsync(PipelineCoordinator coordinator, Task loop)
    {
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait, Ct);
    }
}
