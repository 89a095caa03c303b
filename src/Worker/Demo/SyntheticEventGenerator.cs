using TagWorker.Contracts;

namespace TagWorker.Demo;

/// <summary>
/// Deterministic stream of realistic tag-change events for the demo, tests and benchmark: mostly single-user
/// changes, some segment-wide ones, ops 70% add / 25% remove / 5% remove-all, 1–3 tags from a small alphabet
/// (kept under 100 so no user can exceed the API's 100-tag cap).
/// </summary>
public sealed class SyntheticEventGenerator
{
    private readonly Random _random;
    private readonly int _users;
    private readonly string[] _tags;
    private readonly DateTimeOffset _start;
    private long _sequence;

    public SyntheticEventGenerator(int seed, int users, int tagAlphabet, DateTimeOffset start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tagAlphabet, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tagAlphabet, 99);
        _random = new Random(seed);
        _users = users;
        _tags = Enumerable.Range(0, tagAlphabet).Select(static i => $"tag{i:00}").ToArray();
        _start = start;
    }

    public static string Account(int index) => $"user{index:000000}";

    public TagChangeEvent Next()
    {
        var sequence = _sequence++;
        var users = _random.NextDouble() < 0.1 ? Segment(_random.Next(2, 21)) : [Account(_random.Next(_users))];
        var roll = _random.NextDouble();
        var eventId = $"demo-{sequence:D9}";
        var occurredAt = _start.AddMilliseconds(sequence);
        return roll switch
        {
            < 0.70 => new TagChangeEvent(1, eventId, occurredAt, TagOperation.Add, users, Tags()),
            < 0.95 => new TagChangeEvent(1, eventId, occurredAt, TagOperation.Remove, users, Tags()),
            _ => new TagChangeEvent(1, eventId, occurredAt, TagOperation.RemoveAll, users, []),
        };
    }

    private string[] Segment(int size)
    {
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        while (accounts.Count < Math.Min(size, _users))
        {
            accounts.Add(Account(_random.Next(_users)));
        }

        return [.. accounts];
    }

    private string[] Tags()
    {
        var count = _random.Next(1, 4);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        while (tags.Count < Math.Min(count, _tags.Length))
        {
            tags.Add(_tags[_random.Next(_tags.Length)]);
        }

        return [.. tags];
    }
}
