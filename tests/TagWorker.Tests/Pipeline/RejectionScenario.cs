using FsCheck;
using FsCheck.Fluent;
using TagWorker.Contracts;

namespace TagWorker.Tests.Pipeline;

/// <summary>One event of a scenario: its users, operation and tags.</summary>
public sealed record ScenarioEvent(string[] Users, TagOperation Op, string[] Tags)
{
    public override string ToString() => $"[{string.Join(',', Users)}]:{Op}[{string.Join(',', Tags)}]";
}

/// <summary>
/// A stream for the pipeline's refusal property: users' start tags (some close to the cap), the (user, tag) adds the
/// API refuses, the events, the request limits and a transient fault rate. <see cref="Legal"/> is the stream the
/// property runs: the events as generated, minus what the product does not promise to treat as one by one.
/// </summary>
public sealed record RejectionScenario(
    IReadOnlyDictionary<string, string[]> Start,
    (string User, string Tag)[] Refused,
    ScenarioEvent[] Events,
    int MaxUsers,
    int MaxTags,
    int FaultPercent,
    int Seed)
{
    public override string ToString() =>
        $"maxUsers {MaxUsers} maxTags {MaxTags} faults {FaultPercent}% seed {Seed} start {{{string.Join(' ', Start.Select(s => $"{s.Key}:{s.Value.Length}"))}}} " +
        $"refused [{string.Join(' ', Refused.Select(r => $"{r.User}:{r.Tag}"))}] events [{string.Join(' ', Legal().AsEnumerable())}]";

    /// <summary>
    /// The events the property is about. Folding applies a fold's removes before its adds, so once a user's add was
    /// refused one by one (a refused tag, or the cap), a later remove or remove-all of that user folded with it can
    /// undo the refusal's cause and let the fold through: the product applies the fold's net change there, which is
    /// not the one-by-one result (<c>PipelineRejectionTests.Cap_TransientBreachUndoneLaterInTheFold_IsAcceptedAsTheFoldsNetChange</c>).
    /// So a user refused once gets no remove or remove-all after that. And an add carries at most
    /// <see cref="MaxTags"/> tags, so that one message alone is one call, and "applied one by one" means one call per
    /// message, as the API itself would apply it.
    /// </summary>
    public ScenarioEvent[] Legal()
    {
        var model = new OneByOneModel(Start, Refused, cap: 100);
        var legal = new List<ScenarioEvent>();
        foreach (var e in Events)
        {
            var users = e.Op == TagOperation.Add ? e.Users : e.Users.Where(u => !model.WasRefused(u)).ToArray();
            if (users.Length == 0)
            {
                continue;
            }

            var kept = e with { Users = users, Tags = e.Op == TagOperation.Add ? e.Tags.Take(MaxTags).ToArray() : e.Tags };
            model.Apply(kept);
            legal.Add(kept);
        }

        return [.. legal];
    }
}

/// <summary>Generators for <see cref="RejectionScenario"/>: few users and tags, starts near the cap, frequent refusals.</summary>
public static class RejectionScenarios
{
    private static readonly string[] Pool = [.. Enumerable.Range(0, 16).Select(i => $"n{i:00}")];

    public static Arbitrary<RejectionScenario> Scenarios() => Arb.From(Scenario(), Shrink);

    private static Gen<RejectionScenario> Scenario() =>
        from userCount in Gen.Choose(1, 4)
        let users = Enumerable.Range(0, userCount).Select(i => $"u{i}").ToArray()
        from starts in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(85, 100))), userCount)
        from refusedCount in Gen.Choose(0, 3)
        from refused in Gen.ArrayOf(Gen.Zip(Gen.Elements(users), Gen.Elements(Pool)), refusedCount)
        from events in Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(Event(users), n))
        from maxUsers in Gen.Frequency((2, Gen.Choose(1, 3)), (1, Gen.Constant(100)))
        from maxTags in Gen.Frequency((1, Gen.Choose(1, 9)), (3, Gen.Constant(10)))
        from faults in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, 30)))
        from seed in Gen.Choose(0, int.MaxValue)
        select new RejectionScenario(
            users.Select((u, i) => (u, Enumerable.Range(0, starts[i]).Select(t => $"s{t:000}").ToArray())).ToDictionary(p => p.u, p => p.Item2),
            refused.Distinct().ToArray(),
            events,
            maxUsers,
            maxTags,
            faults,
            seed);

    private static Gen<ScenarioEvent> Event(string[] users) =>
        from segment in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Choose(2, Math.Max(2, users.Length))))
        from chosen in Gen.Shuffle(users).Select(all => all.Take(Math.Min(segment, all.Length)).ToArray())
        from op in Gen.Frequency(
            (6, Gen.Constant(TagOperation.Add)),
            (3, Gen.Constant(TagOperation.Remove)),
            (1, Gen.Constant(TagOperation.RemoveAll)))
        from count in Gen.Choose(1, 10)
        from tags in Gen.ArrayOf(Gen.Frequency((4, Gen.Elements(Pool)), (1, Gen.Choose(0, 99).Select(t => $"s{t:000}"))), count)
        select new ScenarioEvent(chosen, op, op == TagOperation.RemoveAll ? [] : tags.Distinct(StringComparer.Ordinal).ToArray());

    private static IEnumerable<RejectionScenario> Shrink(RejectionScenario s) =>
        Enumerable.Range(0, s.Events.Length).Select(skip => s with { Events = s.Events.Where((_, i) => i != skip).ToArray() })
            .Concat(s.FaultPercent > 0 ? [s with { FaultPercent = 0 }] : [])
            .Concat(s.Refused.Length > 0 ? [s with { Refused = [] }] : []);
}
