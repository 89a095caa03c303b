using TagWorker.Contracts;
using TagWorker.Demo;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// The three seeded streams, each sized by <c>scale</c> (1 = the sizes issue 10 names). Tags come from an alphabet of
/// 50 (under the API's 100-tag cap, so no call is refused), accounts are <see cref="SyntheticEventGenerator.Account"/>.
/// </summary>
internal static class CompareStreams
{
    public const string Distinct = "distinct";
    public const string Repeat = "repeat";
    public const string Zipf = "zipf";

    public static readonly string[] All = [Distinct, Repeat, Zipf];

    private const int Alphabet = 50;
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static CompareStream Create(string name, double scale, int seed) => name switch
    {
        // Every event a new user: nothing to merge, so this is the pacer's and the packer's test (full 100-user calls
        // at the endpoint's limit).
        Distinct => Build(name, $"{Scaled(160_000, scale):N0} adds over as many users (1 each, 1–3 tags)", Scaled(160_000, scale), seed, (random, i) =>
            Event(i, TagOperation.Add, [SyntheticEventGenerator.Account(i)], Tags(random))),
        // The backlog of issue 10's first measurement: ten changes a user, mixed ops, single-user events.
        Repeat => Build(name, $"{Scaled(300_000, scale):N0} single-user events over {Scaled(30_000, scale):N0} users (~10 each; 70% add, 25% remove, 5% removeAll)", Scaled(300_000, scale), seed, (random, i) =>
            Mixed(random, i, [SyntheticEventGenerator.Account(random.Next(Scaled(30_000, scale)))], 0.70, 0.95)),
        // Hot users (Zipf, s = 1.1) with segment events of 2–150 users and more removeAll.
        Zipf => ZipfStream(name, scale, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown stream."),
    };

    public static int Scaled(int size, double scale) => Math.Max(1, (int)Math.Round(size * scale));

    private static CompareStream ZipfStream(string name, double scale, int seed)
    {
        var users = Math.Max(2, Scaled(50_000, scale));
        var events = Scaled(200_000, scale);
        var zipf = new ZipfSampler(users, 1.1);
        return Build(name, $"{events:N0} events over {users:N0} Zipf-hot users (s 1.1; 10% segment events of 2–150 users; 60% add, 28% remove, 12% removeAll)", events, seed, (random, i) =>
        {
            string[] accounts;
            if (random.NextDouble() < 0.10)
            {
                var size = Math.Min(users, random.Next(2, 151));
                var segment = new HashSet<string>(StringComparer.Ordinal);
                while (segment.Count < size)
                {
                    segment.Add(SyntheticEventGenerator.Account(zipf.Next(random)));
                }

                accounts = [.. segment];
            }
            else
            {
                accounts = [SyntheticEventGenerator.Account(zipf.Next(random))];
            }

            return Mixed(random, i, accounts, 0.60, 0.88);
        });
    }

    private static CompareStream Build(string name, string description, int count, int seed, Func<Random, int, TagChangeEvent> next)
    {
        // Not HashCode.Combine: it is randomized per process, and a stream must be the same in every run.
        var random = new Random((seed * 31) + Array.IndexOf(All, name));
        var model = new TagStateModel();
        var bodies = new byte[count][];
        var events = new TagChangeEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = next(random, i);
            model.Apply(events[i]);
            bodies[i] = TagChangeEventSerializer.SerializeToUtf8Bytes(events[i]);
        }

        // The hottest user bounds what one user's ordered work (its folds, its settlements) can take.
        var hottest = events.SelectMany(static e => e.Users).CountBy(static u => u, StringComparer.Ordinal).Max(static c => c.Value);
        return new CompareStream(name, Invariant($"{description}; hottest user in {hottest:N0} events"), bodies, model, FoldedMinimum.Of(events));
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static TagChangeEvent Mixed(Random random, int i, string[] users, double add, double remove)
    {
        var roll = random.NextDouble();
        return roll < add ? Event(i, TagOperation.Add, users, Tags(random))
            : roll < remove ? Event(i, TagOperation.Remove, users, Tags(random))
            : Event(i, TagOperation.RemoveAll, users, []);
    }

    private static TagChangeEvent Event(int i, TagOperation op, string[] users, string[] tags) =>
        new(1, $"compare-{i:D9}", Start.AddMilliseconds(i), op, users, tags);

    private static string[] Tags(Random random)
    {
        var tags = new HashSet<string>(StringComparer.Ordinal);
        var count = random.Next(1, 4);
        while (tags.Count < count)
        {
            tags.Add($"tag{random.Next(Alphabet):00}");
        }

        return [.. tags];
    }

    /// <summary>Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s (inverse of the cumulative weights).</summary>
    private sealed class ZipfSampler
    {
        private readonly double[] _cumulative;

        public ZipfSampler(int n, double s)
        {
            _cumulative = new double[n];
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                total += 1 / Math.Pow(i + 1, s);
                _cumulative[i] = total;
            }

            for (var i = 0; i < n; i++)
            {
                _cumulative[i] /= total;
            }
        }

        public int Next(Random random)
        {
            var at = Array.BinarySearch(_cumulative, random.NextDouble());
            return Math.Min(at < 0 ? ~at : at, _cumulative.Length - 1);
        }
    }
}
