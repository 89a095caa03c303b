using System.Text;
using TagWorker.Contracts;
using TagWorker.Demo;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// The queue's content for a process-level run, in queue order: valid events (applied to <see cref="Model"/> in the
/// same order) with a few invalid bodies among them, which the worker must dead-letter and the model ignores.
/// </summary>
internal sealed class ScenarioStream
{
    private ScenarioStream(IReadOnlyList<byte[]> bodies, HashSet<string> invalidBodies, TagStateModel model, int validCount)
    {
        Bodies = bodies;
        InvalidBodies = invalidBodies;
        Model = model;
        ValidCount = validCount;
    }

    /// <summary>Every message body, one JSON document a line's worth (no line breaks), in queue order.</summary>
    public IReadOnlyList<byte[]> Bodies { get; }

    /// <summary>The invalid bodies, as UTF-8 text (each is distinct).</summary>
    public IReadOnlySet<string> InvalidBodies { get; }

    /// <summary>Every user's tags after applying the valid events one by one, in queue order.</summary>
    public TagStateModel Model { get; }

    public int ValidCount { get; }

    public int InvalidCount => InvalidBodies.Count;

    /// <summary>
    /// <paramref name="events"/> valid events over <paramref name="users"/> users from <see cref="ScenarioEventGenerator"/>,
    /// with <paramref name="invalidEvents"/> invalid bodies at seeded positions.
    /// </summary>
    public static ScenarioStream Generate(int seed, int events, int users, int invalidEvents)
    {
        var generator = new ScenarioEventGenerator(seed, users);
        var random = new Random(seed ^ 0x5eed);
        var invalidAt = new HashSet<int>();
        while (invalidAt.Count < Math.Min(invalidEvents, events))
        {
            invalidAt.Add(random.Next(events));
        }

        var model = new TagStateModel();
        var bodies = new List<byte[]>(events + invalidEvents);
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events; i++)
        {
            if (invalidAt.Contains(i))
            {
                var body = InvalidBody(invalid.Count, generator);
                invalid.Add(body);
                bodies.Add(Encoding.UTF8.GetBytes(body));
            }

            var tagEvent = generator.Next();
            model.Apply(tagEvent);
            bodies.Add(TagChangeEventSerializer.SerializeToUtf8Bytes(tagEvent));
        }

        return new ScenarioStream(bodies, invalid, model, events);
    }

    /// <summary>One of four kinds of invalid body (each names a different field), made unique by its index.</summary>
    private static string InvalidBody(int index, ScenarioEventGenerator generator)
    {
        var user = generator.AnyUser();
        return (index % 4) switch
        {
            // A tag of 51 UTF-8 bytes (17 three-byte characters): over the API's 50-byte limit.
            0 => $$"""{"version":1,"eventId":"invalid-{{index}}","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["{{user}}"],"tags":["{{new string('标', 17)}}"]}""",
            1 => $$"""{"version":1,"eventId":"invalid-{{index}}","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["{{user}}"],"tags":["vip""",
            2 => $$"""{"version":2,"eventId":"invalid-{{index}}","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["{{user}}"],"tags":["vip"]}""",
            _ => $$"""{"version":1,"eventId":"invalid-{{index}}","occurredAt":"2026-11-25T10:00:00Z","op":"remove","users":[],"tags":["vip"]}""",
        };
    }
}
