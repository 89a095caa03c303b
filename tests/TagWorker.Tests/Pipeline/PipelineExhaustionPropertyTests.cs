using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using TagWorker.Contracts;
using TagWorker.Demo;
using TagWorker.ImApi;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// The real pipeline behind a <see cref="SimulatedBroker"/>: transient faults that exhaust Retry:MaxAttempts, answers
/// lost after the change was applied, and (in the second property) lost locks, refused settles and fences. Whatever
/// happens, nothing valid is dead-lettered — by the worker or, through its abandons, by the broker at
/// MaxDeliveryCount — no message is settled after its lock was lost, every message is completed in the end, and the
/// final state equals applying the events in queue order.
/// </summary>
public sealed class PipelineExhaustionPropertyTests
{
    private const int Events = 120;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// As above with the broker's MaxDeliveryCount (Service Bus's default, 10) and a storm like issue 9's (up to 27%
    /// transient faults, three attempts a request): every abandon costs a delivery, and the worker must not abandon a
    /// valid change into the broker's dead-letter queue — not only when its retries are exhausted, but also when it
    /// sends a message back behind an earlier one or because its completion had to be downgraded.
    /// </summary>
    [Property(MaxTest = 100)]
    public void RetriesExhausted_WithMaxDeliveryCount_NoneAbandonedIntoTheDeadLetterQueue(
        PositiveInt seed, byte users, byte faultPercent, byte window, byte maxUsers) =>
        RunAsync(seed.Get, users, faultPercent % 28, lostPercent: 5, BrokerFaults.None, maxDeliveries: 10, attempts: 3, window, maxUsers).GetAwaiter().GetResult();

    /// <summary>
    /// Refused settles of one user's messages in a window of two: a hand-over waiting for room while the coordinator
    /// asks for a fence is cancelled (as the worker's service does), and nothing waits for a return that cannot come.
    /// </summary>
    [Fact]
    public async Task RefusedSettles_OneUserSmallWindow_NoneStuck()
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            await RunAsync(seed, (byte)(seed % 3), 0, 5, new BrokerFaults(0, 0, 2, false), maxDeliveries: null, attempts: 2, 0, 110);
        }
    }

    /// <summary>
    /// A lock lost on the wire while the user's work is dropped for exhausted retries: the message is resolved as lost
    /// before its lock-lost signal is handled, and it must still ask for a fence (without sessions), or its users'
    /// redelivered newer messages stay parked behind it.
    /// </summary>
    [Fact]
    public async Task LockLostWhileDropped_WithoutSessions_Fences()
    {
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(1, 43, 17, 5, new BrokerFaults(1, 5, 0, false), maxDeliveries: null, attempts: 2, 44, 126);
        }
    }

    /// <summary>
    /// Sessions, lock losses and refused settles (shrunk from the property): the session is lost and taken again by
    /// the same coordinator, and the redelivered messages must not stay parked behind a return that never comes.
    /// </summary>
    [Fact]
    public async Task SessionLostAndRetaken_NoneParkedBehindAReturnThatNeverComes()
    {
        for (var i = 0; i < 20; i++)
        {
            await RunAsync(1, 10, 101 % 30, 5, new BrokerFaults(80 % 5, 80 % 7, 130 % 5, Sessions: true), maxDeliveries: null, attempts: 2, 139, 228);
        }
    }

    private static async Task RunAsync(int seed, byte users, int faultPercent, int lostPercent, BrokerFaults faults, int? maxDeliveries, int attempts, byte window, byte maxUsers)
    {
        await using var harness = new PipelineHarness(new()
        {
            ["Retry:MaxAttempts"] = attempts.ToString(CultureInfo.InvariantCulture),
            ["Batching:MaxUsersPerRequest"] = (1 + (maxUsers % 20)).ToString(CultureInfo.InvariantCulture),
            ["Pipeline:MaxHeldMessages"] = (2 + (window % 40)).ToString(CultureInfo.InvariantCulture),
        });
        // Faults for the first calls only, so that every run gets to the end.
        var random = new Random(seed);
        var calls = 0;
        bool Fault(int percent)
        {
            lock (random)
            {
                return calls < 600 && random.Next(100) < percent;
            }
        }

        harness.Api.Script = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Fault(faultPercent) ? FakeImApi.Code(ImErrorCodes.InternalError, "storm") : null;
        };
        harness.Api.ScriptAfterApply = (_, _) => Fault(lostPercent) ? FakeImApi.Code(ImErrorCodes.InternalError, "answer lost") : null;

        var generator = new SyntheticEventGenerator(seed, 1 + (users % 30), tagAlphabet: 12, DateTimeOffset.UnixEpoch);
        var model = new TagStateModel();
        var events = new List<TagChangeEvent>();
        for (var i = 0; i < Events; i++)
        {
            events.Add(generator.Next());
            model.Apply(events[^1]);
        }

        var broker = new SimulatedBroker(harness, events, faults, maxDeliveries, seed) { FaultyDeliveries = 5 * Events };
        await broker.RunAsync(deliveryBudget: 40 * Events, Wait);

        var problems = broker.Problems.Concat(model.Differences(harness.Api.Snapshot())).ToList();
        // The pipeline's log about the first message in trouble, to see how it got there.
        var first = problems.Count > 0 && problems[0].StartsWith('m') ? problems[0][..problems[0].IndexOf(' ', StringComparison.Ordinal)] : null;
        var story = first is null ? [] : harness.Log.Mentioning($"{first} ", 40);
        Assert.True(
            problems.Count == 0,
            $"{broker.Deliveries} deliveries, {broker.Sessions} intake sessions{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(10))}{Environment.NewLine}log of {first}:{Environment.NewLine}{string.Join(Environment.NewLine, story)}");
    }
}
