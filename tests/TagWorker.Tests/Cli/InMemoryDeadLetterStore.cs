using System.Runtime.CompilerServices;
using System.Text;
using TagWorker.Sources;

namespace TagWorker.Tests.Cli;

/// <summary>
/// An <see cref="IDeadLetterStore"/> in memory that records, in <see cref="Log"/>, every removal (shared with a
/// writer that records its sends, to check the order of the two).
/// </summary>
internal sealed class InMemoryDeadLetterStore(List<string>? log = null) : IDeadLetterStore
{
    private readonly Lock _gate = new();
    private readonly List<DeadLetterRecord> _records = [];

    public List<string> Log { get; } = log ?? [];

    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _records.Select(r => r.Id)];
            }
        }
    }

    public InMemoryDeadLetterStore Add(DeadLetterRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }

        return this;
    }

    public async IAsyncEnumerable<DeadLetterRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var record in Snapshot())
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    public Task<DeadLetterRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Snapshot().FirstOrDefault(r => r.Id == id));

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Log.Add($"remove {id}");
            return Task.FromResult(_records.RemoveAll(r => r.Id == id) > 0);
        }
    }

    private List<DeadLetterRecord> Snapshot()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }
}

/// <summary>Dead letters as the sources record them.</summary>
internal static class DeadLetters
{
    public static readonly DateTimeOffset EnqueuedAt = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset DeadLetteredAt = new(2026, 11, 25, 10, 0, 5, TimeSpan.Zero);

    public static string Event(string eventId, string op, string[] users, string[] tags) =>
        $$"""{"version":1,"eventId":"{{eventId}}","occurredAt":"2026-11-25T09:59:00Z","op":"{{op}}","users":[{{string.Join(",", users.Select(u => $"\"{u}\""))}}]{{(tags.Length == 0 ? "" : $",\"tags\":[{string.Join(",", tags.Select(t => $"\"{t}\""))}]")}}}""";

    /// <summary>A segment add of which <paramref name="failed"/> were rejected (90032, over 100 tags).</summary>
    public static DeadLetterRecord Rejected(string id, string eventId, string[] users, string[] failed, string[]? tags = null) => new(
        id,
        eventId,
        "Rejected",
        $"{failed.Length} of {users.Length} users failed: {string.Join(", ", failed.Select(f => $"{f} 90032"))}",
        1,
        EnqueuedAt,
        DeadLetteredAt,
        Encoding.UTF8.GetBytes(Event(eventId, "add", users, tags ?? ["vip"])),
        [.. failed.Select(f => new FailedUser(f, 90032, "Rejected", "the user has 100 tags"))],
        SessionId: "7");

    /// <summary>A message whose whole change failed (failed users null), with <paramref name="body"/> as it was received.</summary>
    public static DeadLetterRecord Whole(string id, string reason, string body, string description = "the whole message failed") => new(
        id,
        $"m-{id}",
        reason,
        description,
        1,
        EnqueuedAt,
        DeadLetteredAt,
        Encoding.UTF8.GetBytes(body),
        null);
}
