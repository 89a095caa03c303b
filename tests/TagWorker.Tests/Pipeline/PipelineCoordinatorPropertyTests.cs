using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagWorker.Demo;
using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Tests.TestDoubles;

namespace TagWorker.Tests.Pipeline;

public sealed class PipelineCoordinatorPropertyTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whatever the stream, the request limits and the transient faults, every message completes and the API's final
    /// state equals applying the events one by one.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool Accept_AnyStreamLimitsAndTransientFaults_CompletesAllAndStateEqualsModel(
        PositiveInt seed, byte users, byte maxUsers, byte maxTags, byte faultPercent)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Batching:MaxUsersPerRequest"] = (1 + (maxUsers % 100)).ToString(CultureInfo.InvariantCulture),
            ["Batching:MaxTagsPerUserPerRequest"] = (1 + (maxTags % 10)).ToString(CultureInfo.InvariantCulture),
            ["Retry:MaxAttempts"] = "100",
        };
        var faults = new Random(seed.Get);
        var faultRate = (faultPercent % 40) / 100.0;
        return RunAsync(settings, seed.Get, 1 + (users % 40), faults, faultRate).GetAwaiter().GetResult();
    }

    private static async Task<bool> RunAsync(Dictionary<string, string?> settings, int seed, int users, Random faults, double faultRate)
    {
        await using var harness = new PipelineHarness(settings);
        harness.Api.Script = (_, _) =>
        {
            lock (faults)
            {
                return faults.NextDouble() < faultRate ? FakeImApi.Code(ImErrorCodes.InternalError) : null;
            }
        };
        await using var coordinator = harness.CreateCoordinator();
        var loop = coordinator.RunAsync();
        var generator = new SyntheticEventGenerator(seed, users, tagAlphabet: 25, DateTimeOffset.UnixEpoch);
        var model = new TagStateModel();
        var messages = new List<RecordingSourceMessage>();
        for (var i = 0; i < 150; i++)
        {
            var tagEvent = generator.Next();
            model.Apply(tagEvent);
            var message = new RecordingSourceMessage($"m{i}", []);
            messages.Add(message);
            coordinator.Accept(message, tagEvent);
        }

        var outcomes = await Task.WhenAll(messages.Select(m => m.Settled)).WaitAsync(Wait);
        coordinator.RequestDrain(DrainMode.Finish);
        coordinator.IntakeStopped();
        await loop.WaitAsync(Wait);
        return outcomes.All(o => o == "completed") && model.Differences(harness.Api.Snapshot()).Count == 0;
    }
}
