using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TagWorker.Publisher.Tests;

public sealed class TagEventPublisherServiceCollectionExtensionsTests
{
    private const string Secret = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private const string ConnectionString = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Secret;

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        register(services);
        return services.BuildServiceProvider();
    }

    private static async Task<string> StartupFailureAsync(Dictionary<string, string?> settings, string section = "ServiceBus")
    {
        await using ServiceProvider provider = Build(settings, services => services.AddTagEventPublisher(section));
        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
        return exception.Message;
    }

    [Fact]
    public async Task AddTagEventPublisher_WorkersOwnSection_ResolvesAPublisherForTheTopic()
    {
        // The worker's section also holds keys the publisher does not use; they must not get in the way.
        await using ServiceProvider provider = Build(
            new()
            {
                ["ServiceBus:ConnectionString"] = ConnectionString,
                ["ServiceBus:TopicName"] = "tags",
                ["ServiceBus:SubscriptionName"] = "worker",
                ["ServiceBus:PrefetchCount"] = "500",
                ["ServiceBus:SessionsEnabled"] = "true",
                ["ServiceBus:PartitionCount"] = "64",
            },
            services => services.AddTagEventPublisher());

        provider.GetRequiredService<IStartupValidator>().Validate();
        TagEventPublisher publisher = Assert.IsType<TagEventPublisher>(provider.GetRequiredService<ITagEventPublisher>());
        Assert.Same(publisher, provider.GetRequiredService<TagEventPublisher>());
        Assert.Equal("tags", publisher.EntityName);
        TagEventPublisherOptions options = provider.GetRequiredService<IOptions<TagEventPublisherOptions>>().Value;
        Assert.Equal((true, 64), (options.SessionsEnabled, options.PartitionCount));
        Assert.DoesNotContain(Secret, options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QueueName", null, "No entity is set: set ServiceBus:QueueName or ServiceBus:TopicName.")]
    [InlineData("TopicName", "t", "ServiceBus:QueueName and ServiceBus:TopicName are both set; set exactly one.")]
    [InlineData("SessionsEnabled", "true", "ServiceBus:PartitionCount is required when ServiceBus:SessionsEnabled is true")]
    [InlineData("PartitionCount", "0", "ServiceBus:PartitionCount must be between 1 and 10000, found 0.")]
    [InlineData("PartitionCount", "10001", "ServiceBus:PartitionCount must be between 1 and 10000, found 10001.")]
    [InlineData("MaxMessagesPerBatch", "0", "ServiceBus:MaxMessagesPerBatch must be between 1 and 10000, found 0.")]
    [InlineData("FullyQualifiedNamespace", "contoso.servicebus.windows.net", "ServiceBus:ConnectionString and ServiceBus:FullyQualifiedNamespace are both set")]
    [InlineData("ConnectionString", "Endpoint=sb://x/;SharedAccessKeyName=n", "ServiceBus:ConnectionString is not a valid Service Bus connection string")]
    [InlineData("ConnectionString", ConnectionString + ";EntityPath=other", "ServiceBus:ConnectionString is scoped to entity 'other' (EntityPath), not to the configured 'q'.")]
    public async Task AddTagEventPublisher_BadSetting_StartupValidationNamesTheKey(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["ServiceBus:ConnectionString"] = ConnectionString, ["ServiceBus:QueueName"] = "q" };
        settings[$"ServiceBus:{key}"] = value;

        string message = await StartupFailureAsync(settings);

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTagEventPublisher_OwnSection_MessagesNameThatSection()
    {
        string message = await StartupFailureAsync(new() { ["TagEvents:QueueName"] = "q" }, section: "TagEvents");

        Assert.Contains("Neither TagEvents:ConnectionString nor TagEvents:FullyQualifiedNamespace is set; set exactly one.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTagEventPublisher_NamespaceWithoutCredential_StartupValidationNamesTheKey()
    {
        string message = await StartupFailureAsync(new() { ["ServiceBus:FullyQualifiedNamespace"] = "contoso.servicebus.windows.net", ["ServiceBus:QueueName"] = "q" });

        Assert.Contains("ServiceBus:FullyQualifiedNamespace is set, so Service Bus authenticates with Microsoft Entra ID, but no credential is given", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTagEventPublisher_NamespaceWithRegisteredCredential_Resolves()
    {
        await using ServiceProvider provider = Build(
            new() { ["ServiceBus:FullyQualifiedNamespace"] = "contoso.servicebus.windows.net", ["ServiceBus:QueueName"] = "q" },
            services => services.AddSingleton<TokenCredential>(new StaticCredential()).AddTagEventPublisher());

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("q", provider.GetRequiredService<TagEventPublisher>().EntityName);
    }

    [Fact]
    public async Task AddTagEventPublisher_CredentialSetInCode_Resolves()
    {
        await using ServiceProvider provider = Build(
            [],
            services => services.AddTagEventPublisher(configure: options =>
            {
                options.FullyQualifiedNamespace = "contoso.servicebus.windows.net";
                options.Credential = new StaticCredential();
                options.QueueName = "q";
            }));

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("q", provider.GetRequiredService<TagEventPublisher>().EntityName);
    }

    [Fact]
    public async Task AddTagEventPublisher_ConfigureAfterBinding_Overrides()
    {
        await using ServiceProvider provider = Build(
            new() { ["ServiceBus:ConnectionString"] = ConnectionString, ["ServiceBus:QueueName"] = "q" },
            services => services.AddTagEventPublisher(configure: options => options.QueueName = "other"));

        Assert.Equal("other", provider.GetRequiredService<TagEventPublisher>().EntityName);
    }

    private sealed class StaticCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
