using TagWorker.Contracts;
using TagWorker.Demo;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// A deterministic stream shaped like production but harder than the demo's: 12% segment events of 2–150 users (so
/// one event spans several 100-user requests), ops 65% add / 28% remove / 7% removeAll, 1–3 tags from an alphabet of
/// 40 in which three quarters are multi-byte (CJK, an emoji outside the BMP, and tags of exactly 50 UTF-8 bytes, the
/// limit). The alphabet stays under 100, so no user can reach the API's 100-tag cap.
/// </summary>
internal sealed class ScenarioEventGenerator
{
    private const int Alphabet = 40;
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly int _users;
    private readonly string[] _tags = [.. Enumerable.Range(0, Alphabet).Select(Tag)];
    private long _sequence;

    public ScenarioEventGenerator(int seed, int users)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 2);
        _random = new Random(seed);
        _users = users;
    }

    public string AnyUser() => SyntheticEventGenerator.Account(_random.Next(_users));

    public TagChangeEvent Next()
    {
        var sequence = _sequence++;
        var users = _random.NextDouble() < 0.12 ? Segment(_random.Next(2, 151)) : [AnyUser()];
        var roll = _random.NextDouble();
        var eventId = $"scenario-{sequence:D9}";
        var occurredAt = Start.AddMilliseconds(sequence);
        return roll switch
        {
            < 0.65 => new TagChangeEvent(1, eventId, occurredAt, TagOperation.Add, users, Tags()),
            < 0.93 => new TagChangeEvent(1, eventId, occurredAt, TagOperation.Remove, users, Tags()),
            _ => new TagChangeEvent(1, eventId, occurredAt, TagOperation.RemoveAll, users, []),
        };
    }

    /// <summary>ASCII, CJK with a two-byte letter, a four-byte emoji, and 16 CJK characters + 2 digits = 50 bytes.</summary>
    private static string Tag(int index) => (index % 4) switch
    {
        0 => $"tag{index:00}",
        1 => $"café标签{index:00}",
        2 => $"🎯{index:00}",
        _ => $"{new string('标', 16)}{index:00}",
    };

    private string[] Segment(int size)
    {
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        while (accounts.Count < Math.Min(size, _users))
        {
            accounts.Add(AnyUser());
        }

        return [.. accounts];
    }

    private string[] Tags()
    {
        var count = _random.Next(1, 4);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        while (tags.Count < count)
        {
            tags.Add(_tags[_random.Next(_tags.Length)]);
        }

        return [.. tags];
    }
}
