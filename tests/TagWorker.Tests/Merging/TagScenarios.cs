using FsCheck;
using FsCheck.Fluent;
using TagWorker.Contracts;

namespace TagWorker.Tests.Merging;

/// <summary>Events for one user, cut in two, and a start state: for the algebra properties.</summary>
public sealed record MergeScenario(TagEvent[] Earlier, TagEvent[] Later, string[] Start)
{
    public IEnumerable<TagEvent> All => Earlier.Concat(Later);

    public override string ToString() =>
        $"start [{string.Join(',', Start)}] earlier [{string.Join(' ', Earlier.AsEnumerable())}] later [{string.Join(' ', Later.AsEnumerable())}]";
}

/// <summary>Events over a few users, their start states and planner limits: for the planner properties.</summary>
public sealed record PlanScenario(TagEvent[] Events, IReadOnlyDictionary<string, string[]> Start, int MaxUsers, int MaxTags)
{
    public override string ToString() =>
        $"maxUsers {MaxUsers} maxTags {MaxTags} start {{{string.Join(' ', Start.Select(s => $"{s.Key}:[{string.Join(',', s.Value)}]"))}}} events [{string.Join(' ', Events.AsEnumerable())}]";
}

/// <summary>
/// FsCheck generators: a 12-tag alphabet and up to 8 users keep collisions (the interesting cases) frequent; planner
/// limits are often tiny so that chunking and request splitting happen in small inputs.
/// </summary>
public static class TagScenarios
{
    public static readonly string[] Alphabet = [.. Enumerable.Range(0, 12).Select(i => $"t{i}")];

    public static Arbitrary<MergeScenario> MergeScenarios() => Arb.From(MergeScenarioGen(), ShrinkMerge);

    public static Arbitrary<PlanScenario> PlanScenarios() => Arb.From(PlanScenarioGen(), ShrinkPlan);

    /// <summary>One user's events over <paramref name="alphabet"/>, cut in two, and a start state; remove-all weighs <paramref name="removeAllWeight"/> against 9 add and 8 remove.</summary>
    internal static Gen<MergeScenario> MergeScenarioGen(string[] alphabet, int maxEvents, int removeAllWeight) =>
        from earlier in EventsFor(Gen.Constant("u0"), alphabet, maxEvents, removeAllWeight)
        from later in EventsFor(Gen.Constant("u0"), alphabet, maxEvents, removeAllWeight)
        from start in TagSet(alphabet)
        select new MergeScenario(earlier, later, start);

    // Shrinking drops one event at a time, which is what makes a counterexample readable.
    internal static IEnumerable<MergeScenario> ShrinkMerge(MergeScenario s) =>
        DropOne(s.Earlier).Select(e => s with { Earlier = e })
            .Concat(DropOne(s.Later).Select(l => s with { Later = l }));

    private static Gen<MergeScenario> MergeScenarioGen() => MergeScenarioGen(Alphabet, 30, 3);

    private static Gen<PlanScenario> PlanScenarioGen() =>
        from userCount in Gen.Choose(1, 8)
        let users = Enumerable.Range(0, userCount).Select(i => $"u{i}").ToArray()
        from events in EventsFor(Gen.Elements(users), Alphabet, 30, 3)
        from starts in Gen.ArrayOf(TagSet(Alphabet), userCount)
        from maxUsers in Gen.Frequency((3, Gen.Choose(1, 5)), (1, Gen.Constant(100)))
        from maxTags in Gen.Frequency((3, Gen.Choose(1, 4)), (1, Gen.Constant(10)))
        select new PlanScenario(
            events,
            users.Select((u, i) => (u, starts[i])).ToDictionary(p => p.u, p => p.Item2),
            maxUsers,
            maxTags);

    private static Gen<string[]> TagSet(string[] alphabet) => Gen.SubListOf(alphabet).Select(tags => tags.ToArray());

    private static Gen<TagEvent[]> EventsFor(Gen<string> user, string[] alphabet, int maxEvents, int removeAllWeight) =>
        Gen.Choose(0, maxEvents).SelectMany(count => Gen.ArrayOf(Event(user, alphabet, removeAllWeight), count));

    private static Gen<TagEvent> Event(Gen<string> user, string[] alphabet, int removeAllWeight) =>
        from u in user
        from op in Gen.Frequency(
            (9, Gen.Constant(TagOperation.Add)),
            (8, Gen.Constant(TagOperation.Remove)),
            (removeAllWeight, Gen.Constant(TagOperation.RemoveAll)))
        from count in Gen.Choose(0, 14)
        // Duplicates within one event are allowed: the fold must not care.
        from tags in Gen.ArrayOf(Gen.Elements(alphabet), count)
        select new TagEvent(u, op, op == TagOperation.RemoveAll ? [] : tags);

    private static IEnumerable<PlanScenario> ShrinkPlan(PlanScenario s) =>
        DropOne(s.Events).Select(e => s with { Events = e });

    private static IEnumerable<TagEvent[]> DropOne(TagEvent[] events) =>
        Enumerable.Range(0, events.Length).Select(skip => events.Where((_, i) => i != skip).ToArray());
}
