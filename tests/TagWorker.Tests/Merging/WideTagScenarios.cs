using FsCheck;
using FsCheck.Fluent;

namespace TagWorker.Tests.Merging;

/// <summary>
/// One user's events over a 150-tag alphabet, up to 60 of them with few remove-alls: folds that often pass the 64
/// distinct tags a <c>UserTagChange</c> searches linearly, so its index (and a remove after a reset, which closes a
/// gap in the entries and renumbers the index) is exercised as well as the small case is by <see cref="TagScenarios"/>.
/// </summary>
public static class WideTagScenarios
{
    public static readonly string[] Alphabet = [.. Enumerable.Range(0, 150).Select(i => $"w{i}")];

    public static Arbitrary<MergeScenario> MergeScenarios() => Arb.From(TagScenarios.MergeScenarioGen(Alphabet, 60, 1), TagScenarios.ShrinkMerge);
}
