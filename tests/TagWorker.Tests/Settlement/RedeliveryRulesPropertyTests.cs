using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TagWorker.Tests.Settlement;

/// <summary>
/// The redelivery rules against a model of the broker (<see cref="OneUserRedeliveryWorld"/>): first deliveries in
/// queue order, abandoned messages back at once and in order, locked ones (lost lock, refused settle) back after a
/// fence, a retaken session or a crash, with the settlement reports arriving late. Whatever happens:
/// <list type="bullet">
/// <item>a change is never applied after a newer one that was completed (which therefore stays applied);</item>
/// <item>a message is completed, and a redelivery is recognised as <c>AlreadyApplied</c>, only when every change up
/// to it was applied and the last applications are in queue order;</item>
/// <item>the worker gets to the end, and the last application of each change is in queue order — which is exactly
/// when the user's final tags equal applying the events in queue order (applying a per-user suffix again, in order,
/// is harmless: each tag ends as the last event touching it says).</item>
/// </list>
/// </summary>
public sealed class RedeliveryRulesPropertyTests
{
    [Property(MaxTest = 5000, Arbitrary = [typeof(RedeliveryScenarios)])]
    public void AnyArrivals_AppliesInQueueOrderAndCompletesAll(RedeliveryScenario scenario)
    {
        var world = new OneUserRedeliveryWorld(scenario.Messages, scenario.Sessions);
        foreach (var (step, pick) in scenario.Steps)
        {
            world.Run(step, pick);
        }

        Assert.True(world.RunToEnd(budget: 50 * (scenario.Messages + 1)), $"did not finish{Environment.NewLine}{world.Trace}");

        var lastApplications = world.Applied
            .Select((sequence, index) => (sequence, index))
            .GroupBy(static a => a.sequence)
            .OrderBy(static g => g.Max(static a => a.index))
            .Select(static g => g.Key)
            .ToArray();
        Assert.True(
            lastApplications.SequenceEqual(Enumerable.Range(1, scenario.Messages).Select(static i => (long)i)),
            $"last applications [{string.Join(',', lastApplications)}], applied [{string.Join(',', world.Applied)}]{Environment.NewLine}{world.Trace}");
    }
}

/// <summary>Random scenarios for <see cref="RedeliveryRulesPropertyTests"/>; faults are frequent so that small inputs combine several.</summary>
public static class RedeliveryScenarios
{
    public static Arbitrary<RedeliveryScenario> Scenarios() => Arb.From(Scenario(), Shrink);

    private static Gen<RedeliveryScenario> Scenario() =>
        from messages in Gen.Choose(1, 10)
        from sessions in Gen.Elements(false, true)
        from count in Gen.Choose(0, 80)
        from steps in Gen.ArrayOf(Step(), count)
        select new RedeliveryScenario(messages, sessions, steps);

    private static Gen<(RedeliveryStep, int)> Step() =>
        from step in Gen.Frequency(
            (8, Gen.Constant(RedeliveryStep.Deliver)),
            (5, Gen.Constant(RedeliveryStep.Apply)),
            (1, Gen.Constant(RedeliveryStep.Exhaust)),
            (1, Gen.Constant(RedeliveryStep.LoseLock)),
            (1, Gen.Constant(RedeliveryStep.ReturnedByOtherUser)),
            (1, Gen.Constant(RedeliveryStep.HeldByOtherUser)),
            (1, Gen.Constant(RedeliveryStep.OtherUsersResolved)),
            (1, Gen.Constant(RedeliveryStep.FailNextComplete)),
            (2, Gen.Constant(RedeliveryStep.ProcessReports)),
            (2, Gen.Constant(RedeliveryStep.Restart)),
            (1, Gen.Constant(RedeliveryStep.Crash)))
        from pick in Gen.Choose(0, 99)
        select (step, pick);

    // Dropping one step at a time, or a message, keeps a counterexample readable.
    private static IEnumerable<RedeliveryScenario> Shrink(RedeliveryScenario s) =>
        Enumerable.Range(0, s.Steps.Length).Select(skip => s with { Steps = s.Steps.Where((_, i) => i != skip).ToArray() })
            .Concat(s.Messages > 1 ? [s with { Messages = s.Messages - 1 }] : []);
}
