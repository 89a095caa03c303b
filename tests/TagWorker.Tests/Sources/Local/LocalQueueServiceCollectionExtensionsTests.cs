using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.Sources;
using TagWorker.Sources.Local;

namespace TagWorker.Tests.Sources.Local;

public sealed class LocalQueueServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddLocalQueueSource_Configured_ResolvesSourceAndWriterOnOneQueue()
    {
        await using var context = new LocalQueueTestContext();
        await using var provider = Build(new() { ["LocalQueue:Path"] = context.Options.Path, ["LocalQueue:MaxDeliveryCount"] = "7" });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var source = provider.GetRequiredService<ITagEventSource>();
        var writer = provider.GetRequiredService<ITagEventWriter>();
        var queue = provider.GetRequiredService<LocalQueue>();

        Assert.Same(provider.GetRequiredService<LocalQueueSource>(), source);
        Assert.IsType<LocalQueueWriter>(writer);
        Assert.Same(provider.GetRequiredService<LocalDeadLetterStore>(), provider.GetRequiredService<IDeadLetterStore>());
        Assert.Equal(context.Options.Path, queue.FilePath);
        Assert.Equal(7, provider.GetRequiredService<IOptions<LocalQueueOptions>>().Value.MaxDeliveryCount);
    }

    [Fact]
    public async Task AddLocalQueueSource_WriterAndDeadLetterStoreUsed_TakeNoOwnership()
    {
        await using var context = new LocalQueueTestContext();
        await using var provider = Build(new() { ["LocalQueue:Path"] = context.Options.Path });
        var queue = provider.GetRequiredService<LocalQueue>();

        await provider.GetRequiredService<ITagEventWriter>().EnqueueAsync([LocalQueueTestContext.Body("m0")], LocalQueueTestContext.Cancellation);
        var deadLetters = await provider.GetRequiredService<IDeadLetterStore>().ListAsync(LocalQueueTestContext.Cancellation).ToListAsync(LocalQueueTestContext.Cancellation);
        _ = provider.GetRequiredService<ITagEventSource>();
        var worker = await context.CreateOwnedQueueAsync();

        Assert.Empty(deadLetters);
        Assert.False(queue.IsOwner);
        Assert.True(worker.IsOwner);
    }

    [Fact]
    public async Task AddLocalQueueSource_ProviderDisposedSynchronously_DisposesCleanly()
    {
        await using var context = new LocalQueueTestContext();
        var provider = Build(new() { ["LocalQueue:Path"] = context.Options.Path });
        var source = provider.GetRequiredService<ITagEventSource>();
        await provider.GetRequiredService<ITagEventWriter>().EnqueueAsync([LocalQueueTestContext.Body("m0")], LocalQueueTestContext.Cancellation);

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => source.RunAsync((_, _) => ValueTask.CompletedTask, LocalQueueTestContext.Cancellation));
    }

    [Fact]
    public async Task AddLocalQueueSource_NothingConfigured_UsesDocumentedDefaults()
    {
        await using var provider = Build([]);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<LocalQueueOptions>>().Value;

        Assert.Equal("tagworker-queue.db", options.Path);
        Assert.Equal(10, options.MaxDeliveryCount);
        Assert.Equal(250_000, options.MaxConcurrentMessages);
        Assert.Equal(2_000, options.ReceiveBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.PollInterval);
    }

    [Theory]
    [InlineData("LockDuration", "00:00:00")]
    [InlineData("LockDuration", "00:06:00")]
    [InlineData("MaxAutoLockRenewal", "-00:00:01")]
    public async Task AddLocalQueueSource_RetiredLeaseSettings_StillBindAndNoLongerStopTheStart(string key, string value)
    {
        // Leases no longer expire or get renewed, so these keys mean nothing; settings files that have them still work.
        await using var provider = Build(new() { ["LocalQueue:" + key] = value });

        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<LocalQueueOptions>>().Value;
        Assert.Equal(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture), key == "LockDuration" ? options.LockDuration : options.MaxAutoLockRenewal);
    }

    [Theory]
    [InlineData("Path", "")]
    [InlineData("MaxDeliveryCount", "0")]
    [InlineData("MaxDeliveryCount", "1001")]
    [InlineData("MaxConcurrentMessages", "0")]
    [InlineData("MaxConcurrentMessages", "1000001")]
    [InlineData("ReceiveBatchSize", "0")]
    [InlineData("ReceiveBatchSize", "50001")]
    [InlineData("PollInterval", "00:00:00")]
    public async Task AddLocalQueueSource_ValueOutOfRange_FailsAtStartNamingTheKey(string key, string value)
    {
        await using var provider = Build(new() { ["LocalQueue:" + key] = value });

        var failure = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("LocalQueue:" + key, failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddLocalQueueSource();
        return services.BuildServiceProvider();
    }
}
