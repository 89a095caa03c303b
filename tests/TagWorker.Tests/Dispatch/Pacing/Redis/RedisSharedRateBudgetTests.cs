using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Dispatch.Pacing.Redis;
using TagWorker.ImApi;

namespace TagWorker.Tests.Dispatch.Pacing.Redis;

/// <summary>The shared budget against a real redis-server on loopback.</summary>
public sealed class RedisSharedRateBudgetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Script_BackToBack_BooksOneSlotAndTellsLaterCallersToWaitWithoutBooking()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var database = redis.GetDatabase();
        RedisKey key = "test:gcra";
        RedisValue[] tenMinutesApart = [600_000_000, 0, 100, 1_000_000, 0];

        var first = (long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], tenMinutesApart);
        var second = (long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], tenMinutesApart);
        var third = (long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], tenMinutesApart);
        var ttl = await database.KeyTimeToLiveAsync(key);

        Assert.Equal(0, first);
        Assert.InRange(second, 590_000_000, 600_000_000);
        Assert.InRange(third, 590_000_000, second); // an early caller books nothing
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Script_CapTakenWithinOneWindow_NextCallerWaitsUntilTheOldestLeavesIt()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var database = redis.GetDatabase();
        RedisKey key = "test:window";
        RedisValue[] threeInTenMinutes = [2, 0, 3, 600_000_000, 0]; // 2 µs apart, at most 3 in any 10 minutes

        var answers = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add((long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], threeInTenMinutes));
        }

        Assert.Equal([0L, 0L, 0L], answers.Take(3));
        Assert.InRange(answers[3], 590_000_000, 600_000_000);
        Assert.Equal(3, await database.ListLengthAsync(key));
    }

    [Fact]
    public async Task HoldScript_AfterARefusal_TheNextSlotIsOneIntervalAfterTheHoldAndHoldsDoNotStack()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var database = redis.GetDatabase();
        RedisKey key = "test:hold";
        RedisValue[] take = [1_000, 0, 100, 1_000_000, 0]; // 1 ms apart
        RedisValue[] tenMinuteHold = [600_000_000, 100, 1_000_000, 1_000];

        var taken = (long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], take);
        var held = (long)await database.ScriptEvaluateAsync(RedisGcraScript.HoldSource, [key], tenMinuteHold);
        var heldAgain = (long)await database.ScriptEvaluateAsync(RedisGcraScript.HoldSource, [key], tenMinuteHold);
        var wait = (long)await database.ScriptEvaluateAsync(RedisGcraScript.Source, [key], take);

        Assert.Equal(0, taken);
        Assert.Equal(1, held);
        Assert.Equal(0, heldAgain);
        Assert.InRange(wait, 590_000_000, 600_001_000);
        Assert.Equal(2, await database.ListLengthAsync(key));
    }

    [Fact]
    public async Task TakeAsync_TwoProcessesOnOneApp_ShareEachEndpointsBudget()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connectionA = Connection(server.ConnectionString);
        await using var connectionB = Connection(server.ConnectionString);
        var a = Budget(connectionA, requestsPerSecond: 1);
        var b = Budget(connectionB, requestsPerSecond: 1);

        var takenByA = await a.TakeAsync(ImCommand.AddTag, Ct);
        var askedOfB = await b.TakeAsync(ImCommand.AddTag, Ct);
        var otherEndpoint = await b.TakeAsync(ImCommand.RemoveTag, Ct);

        Assert.Equal(SharedTake.Taken, takenByA);
        Assert.True(askedOfB.Available);
        Assert.InRange(askedOfB.RetryAfter, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Assert.Equal(SharedTake.Taken, otherEndpoint);
    }

    [Fact]
    public async Task TakeAsync_KeyIsPerSdkAppIdAndEndpoint()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = Connection(server.ConnectionString);
        var app = Budget(connection, requestsPerSecond: 1, sdkAppId: 1400000001);
        var otherApp = Budget(connection, requestsPerSecond: 1, sdkAppId: 1400000002);

        await app.TakeAsync(ImCommand.AddTag, Ct);
        var otherAppTake = await otherApp.TakeAsync(ImCommand.AddTag, Ct);
        var database = (await connection.GetAsync(Ct)).GetDatabase();

        Assert.Equal("tagworker:rate:1400000001:im_add_tag", app.KeyOf(ImCommand.AddTag).ToString());
        Assert.True(await database.KeyExistsAsync("tagworker:rate:1400000001:im_add_tag"));
        Assert.Equal(SharedTake.Taken, otherAppTake);
    }

    [Fact]
    public async Task TakeAsync_NoRedisListening_IsUnavailableAndWarnsOnce()
    {
        await using var server = await RedisServer.StartAsync();
        await server.StopAsync();
        await using var connection = Connection(server.ConnectionString);
        var logger = new RecordingLogger<RedisSharedRateBudget>();
        var budget = Budget(connection, requestsPerSecond: 30, logger: logger, replicas: 3);

        var takes = new List<SharedTake>();
        for (var i = 0; i < 3; i++)
        {
            takes.Add(await budget.TakeAsync(ImCommand.AddTag, Ct));
        }

        Assert.All(takes, take => Assert.Equal(SharedTake.Unavailable, take));
        Assert.False(budget.IsShared);
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal("SharedRateBudgetUnreachable", warning.EventName);
        Assert.Contains("10 calls/s", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limiter_RedisStoppedThenStartedAgain_FallsBackToItsShareWithAWarningAndReturnsToTheSharedBudget()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = Connection(server.ConnectionString);
        var multiplexer = await connection.GetAsync(Ct);
        var time = new SteppingTimeProvider();
        var budgetTime = new JumpingTimeProvider();
        var logger = new RecordingLogger<RedisSharedRateBudget>();
        var budget = Budget(connection, requestsPerSecond: 30, logger: logger, replicas: 3, time: budgetTime);
        using var limiter = new AdaptiveEndpointRateLimiter(30, time, new RecordingLogger<AdaptiveEndpointRateLimiter>(), budget, shareCeiling: 10);

        limiter.OnSuccess(await time.DriveAsync(limiter.WaitAsync(ImCommand.AddTag, Ct).AsTask()));
        var ceilingWhileShared = limiter.CurrentCeiling(ImCommand.AddTag);

        await server.StopAsync();
        var onShare = await time.DriveAsync(limiter.WaitAsync(ImCommand.AddTag, Ct).AsTask());
        var ceilingOnShare = limiter.CurrentCeiling(ImCommand.AddTag);
        var sharedWhileDown = budget.IsShared;

        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The multiplexer has an interactive and a subscription connection, each restored (and reported) on its own:
        // the budget's commands need the interactive one back.
        multiplexer.ConnectionRestored += (_, args) =>
        {
            if (args.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        await server.StartAgainAsync();
        await restored.Task.WaitAsync(Patience, Ct);
        budgetTime.Jump(TimeSpan.FromSeconds(5)); // RateLimit:Redis:ReconnectInterval
        var back = await time.DriveAsync(limiter.WaitAsync(ImCommand.AddTag, Ct).AsTask());
        limiter.OnSuccess(back);

        Assert.Equal(30, ceilingWhileShared);
        Assert.Equal(10, ceilingOnShare);
        Assert.False(sharedWhileDown);
        Assert.True(budget.IsShared);
        Assert.Equal(30, limiter.CurrentCeiling(ImCommand.AddTag));
        Assert.Equal(30, limiter.CurrentRate(ImCommand.AddTag));
        Assert.True(onShare.DepartedAt < back.DepartedAt);
        Assert.Equal(["SharedRateBudgetUnreachable", "SharedRateBudgetRestored"], logger.Entries.Select(entry => entry.EventName));
        Assert.Equal(LogLevel.Warning, logger.Entries.First().Level);
        Assert.True(await multiplexer.GetDatabase().KeyExistsAsync(budget.KeyOf(ImCommand.AddTag)), "the take after the return went to Redis");
    }

    private static RedisBudgetConnection Connection(string connectionString) =>
        new(Options.Create(Settings(connectionString, replicas: 1)));

    private static RedisSharedRateBudget Budget(
        RedisBudgetConnection connection,
        double requestsPerSecond,
        long sdkAppId = 1400000000,
        ILogger<RedisSharedRateBudget>? logger = null,
        int replicas = 1,
        TimeProvider? time = null) =>
        new(
            connection,
            Options.Create(new ImApiOptions { RequestsPerSecond = requestsPerSecond, SdkAppId = sdkAppId }),
            Options.Create(Settings("unused:1", replicas)),
            time ?? TimeProvider.System,
            logger ?? new RecordingLogger<RedisSharedRateBudget>());

    private static RateLimitOptions Settings(string connectionString, int replicas) => new()
    {
        Mode = RateLimitMode.Redis,
        Replicas = replicas,
        Redis = new RateLimitRedisOptions { ConnectionString = connectionString, ReconnectInterval = TimeSpan.FromSeconds(5) },
    };
}
