using System.Globalization;
using TagWorker.Contracts;

namespace TagWorker.Benchmarks.Micro;

/// <summary>
/// A deterministic event stream: users drawn uniformly, 70% add / 25% remove / 5% remove-all, 1–3 tags an event
/// from an alphabet. Every string is a fresh instance, as after JSON parsing, so equality is never a reference hit.
/// </summary>
internal static class EventStreamGenerator
{
    public static BenchEvent[] Generate(int eventCount, int userCount, int tagCount, int seed)
    {
        var random = new Random(seed);
        var events = new BenchEvent[eventCount];
        for (var i = 0; i < events.Length; i++)
        {
            var user = string.Create(CultureInfo.InvariantCulture, $"user-{random.Next(userCount):D6}");
            var roll = random.Next(100);
            var op = roll < 70 ? TagOperation.Add : roll < 95 ? TagOperation.Remove : TagOperation.RemoveAll;
            string[] tags = [];
            if (op != TagOperation.RemoveAll)
            {
                tags = new string[random.Next(1, 4)];
                for (var t = 0; t < tags.Length; t++)
                {
                    tags[t] = string.Create(CultureInfo.InvariantCulture, $"tag-{random.Next(tagCount):D3}");
                }
            }

            events[i] = new BenchEvent(user, op, tags);
        }

        return events;
    }
}
