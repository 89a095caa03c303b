using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusServiceCollectionExtensionsTests
{
    private const string ConnectionString = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=" + SourceHarness.Secret;

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        configure?.Invoke(services);
        services.AddServiceBusSource();
        return services.BuildServiceProvider();
    }

    private static async Task<string> StartupFailureAsync(Dictionary<string, string?> settings)
    {
        await using ServiceProvider provider = Build(settings);
        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.DoesNotContain(SourceHarness.Secret, exception.Message, StringComparison.Ordinal);
        return exception.Message;
    }

    [Fact]
    public async Task AddServiceBusSource_ConnectionString_ResolvesSourceWriterAndClient()
    {
        await using ServiceProvider provider = Build(new() { ["ServiceBus:ConnectionString"] = ConnectionString, ["ServiceBus:QueueName"] = "q" });

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<ServiceBusSource>(provider.GetRequiredService<ITagEventSource>());
        Assert.IsType<ServiceBusWriter>(provider.GetRequiredService<ITagEventWriter>());
        Assert.IsType<ServiceBusDeadLetterStore>(provider.GetRequiredService<IDeadLetterStore>());
        Assert.Equal("example.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task AddServiceBusSource_NamespaceWithRegisteredCredential_ClientUsesNamespace()
    {
        await using ServiceProvider provider = Build(
            new() { ["ServiceBus:FullyQualifiedNamespace"] = "contoso.servicebus.windows.net", ["ServiceBus:QueueName"] = "q" },
            services => services.AddSingleton<TokenCredential>(new StaticTokenCredential()));

        Assert.Equal("contoso.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task AddServiceBusSource_NamespaceWithoutCredential_ClientResolutionNamesTheMissingPiece()
    {
        await using ServiceProvider provider = Build(new() { ["ServiceBus:FullyQualifiedNamespace"] = "contoso.servicebus.windows.net", ["ServiceBus:QueueName"] = "q" });

        var exception = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ServiceBusClient>());
        Assert.Contains("TokenCredential", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddServiceBusSource_MissingEntity_StartupValidationNamesTheKey()
    {
        string message = await StartupFailureAsync(new() { ["ServiceBus:ConnectionString"] = ConnectionString });

        Assert.Contains("ServiceBus:QueueName", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PrefetchCount", "-1", "ServiceBus:PrefetchCount must be between 0 and 10000.")]
    [InlineData("PrefetchCount", "10001", "ServiceBus:PrefetchCount must be between 0 and 10000.")]
    [InlineData("MaxConcurrentMessages", "0", "ServiceBus:MaxConcurrentMessages must be between 1 and 1000000.")]
    [InlineData("MaxConcurrentMessages", "1000001", "ServiceBus:MaxConcurrentMessages must be between 1 and 1000000.")]
    [InlineData("EntityLockDuration", "00:00:04", "ServiceBus:EntityLockDuration must be between 00:00:05 and 00:05:00.")]
    [InlineData("EntityLockDuration", "00:05:01", "ServiceBus:EntityLockDuration must be between 00:00:05 and 00:05:00.")]
    [InlineData("MaxDeliveryCount", "0", "ServiceBus:MaxDeliveryCount must be between 1 and 2000.")]
    [InlineData("PartitionCount", "0", "ServiceBus:PartitionCount must be between 1 and 4096.")]
    [InlineData("PartitionCount", "4097", "ServiceBus:PartitionCount must be between 1 and 4096.")]
    [InlineData("MaxAutoLockRenewal", "00:00:05", "ServiceBus:MaxAutoLockRenewal must be between 00:00:10 and 1.00:00:00.")]
    [InlineData("MaxConcurrentSessions", "0", "ServiceBus:MaxConcurrentSessions must be between 1 and 1000.")]
    [InlineData("SessionIdleTimeout", "00:00:00", "ServiceBus:SessionIdleTimeout must be between 00:00:01 and 00:10:00.")]
    public async Task AddServiceBusSource_ValueOutOfRange_StartupValidationNamesKeyAndRange(string key, string value, string expected)
    {
        string message = await StartupFailureAsync(new()
        {
            ["ServiceBus:ConnectionString"] = ConnectionString,
            ["ServiceBus:QueueName"] = "q",
            [$"ServiceBus:{key}"] = value,
        });

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddServiceBusSource_Sessions_WriterResolves()
    {
        await using ServiceProvider provider = Build(
            new()
            {
                ["ServiceBus:ConnectionString"] = ConnectionString,
                ["ServiceBus:QueueName"] = "q",
                ["ServiceBus:SessionsEnabled"] = "true",
            });

        Assert.IsType<ServiceBusWriter>(provider.GetRequiredService<ITagEventWriter>());
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
