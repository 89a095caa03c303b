using Microsoft.Extensions.Options;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusSourceOptionsValidatorTests
{
    private const string ConnectionString = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=" + SourceHarness.Secret;

    private static ValidateOptionsResult Validate(Action<ServiceBusSourceOptions> configure)
    {
        var options = new ServiceBusSourceOptions();
        configure(options);
        return new ServiceBusSourceOptionsValidator().Validate(null, options);
    }

    private static string SingleFailure(ValidateOptionsResult result)
    {
        Assert.True(result.Failed);
        string failure = Assert.Single(result.Failures!);
        Assert.DoesNotContain(SourceHarness.Secret, failure, StringComparison.Ordinal);
        return failure;
    }

    [Fact]
    public void Validate_ConnectionStringAndQueue_Succeeds()
    {
        ValidateOptionsResult result = Validate(o => (o.ConnectionString, o.QueueName) = (ConnectionString, "q"));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_NamespaceAndTopicSubscription_Succeeds()
    {
        ValidateOptionsResult result = Validate(o =>
            (o.FullyQualifiedNamespace, o.TopicName, o.SubscriptionName) = ("example.servicebus.windows.net", "t", "s"));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_ConnectionStringAndNamespace_FailsNamingBothKeys()
    {
        string failure = SingleFailure(Validate(o =>
            (o.ConnectionString, o.FullyQualifiedNamespace, o.QueueName) = (ConnectionString, "example.servicebus.windows.net", "q")));

        Assert.Contains("ServiceBus:ConnectionString", failure, StringComparison.Ordinal);
        Assert.Contains("ServiceBus:FullyQualifiedNamespace", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", " ")]
    public void Validate_NoConnection_FailsNamingBothKeys(string? connectionString, string? fullyQualifiedNamespace)
    {
        string failure = SingleFailure(Validate(o =>
            (o.ConnectionString, o.FullyQualifiedNamespace, o.QueueName) = (connectionString, fullyQualifiedNamespace, "q")));

        Assert.Contains("Neither ServiceBus:ConnectionString nor ServiceBus:FullyQualifiedNamespace", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a connection string")]
    [InlineData("Endpoint=sb://example.servicebus.windows.net/")]
    [InlineData("SharedAccessKeyName=listen;SharedAccessKey=" + SourceHarness.Secret)]
    public void Validate_MalformedConnectionString_FailsWithoutRepeatingIt(string connectionString)
    {
        string failure = SingleFailure(Validate(o => (o.ConnectionString, o.QueueName) = (connectionString, "q")));

        Assert.StartsWith("ServiceBus:ConnectionString is not a valid Service Bus connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(connectionString, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConnectionStringScopedToAnotherEntity_Fails()
    {
        string failure = SingleFailure(Validate(o => (o.ConnectionString, o.QueueName) = (ConnectionString + ";EntityPath=other", "q")));

        Assert.Contains("ServiceBus:ConnectionString is scoped to entity 'other'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sb://example.servicebus.windows.net/")]
    [InlineData("example.servicebus.windows.net/path")]
    [InlineData("example.servicebus.windows.net:5671")]
    public void Validate_NamespaceNotAHostName_Fails(string fullyQualifiedNamespace)
    {
        string failure = SingleFailure(Validate(o => (o.FullyQualifiedNamespace, o.QueueName) = (fullyQualifiedNamespace, "q")));

        Assert.StartsWith("ServiceBus:FullyQualifiedNamespace must be a host name", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoEntity_FailsNamingTheKeys()
    {
        string failure = SingleFailure(Validate(o => o.ConnectionString = ConnectionString));

        Assert.Equal("No entity is set: set ServiceBus:QueueName, or ServiceBus:TopicName and ServiceBus:SubscriptionName.", failure);
    }

    [Theory]
    [InlineData("t", "s")]
    [InlineData("t", null)]
    [InlineData(null, "s")]
    public void Validate_QueueAndTopicForm_Fails(string? topic, string? subscription)
    {
        string failure = SingleFailure(Validate(o =>
            (o.ConnectionString, o.QueueName, o.TopicName, o.SubscriptionName) = (ConnectionString, "q", topic, subscription)));

        Assert.StartsWith("ServiceBus:QueueName and ServiceBus:TopicName/ServiceBus:SubscriptionName are both set", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TopicWithoutSubscription_FailsNamingSubscriptionName()
    {
        string failure = SingleFailure(Validate(o => (o.ConnectionString, o.TopicName) = (ConnectionString, "t")));

        Assert.Equal("ServiceBus:SubscriptionName is required with ServiceBus:TopicName.", failure);
    }

    [Fact]
    public void Validate_SubscriptionWithoutTopic_FailsNamingTopicName()
    {
        string failure = SingleFailure(Validate(o => (o.ConnectionString, o.SubscriptionName) = (ConnectionString, "s")));

        Assert.Equal("ServiceBus:TopicName is required with ServiceBus:SubscriptionName.", failure);
    }

    [Fact]
    public void Validate_NoConnectionAndNoEntity_ReportsBoth()
    {
        ValidateOptionsResult result = Validate(_ => { });

        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void ToString_WithConnectionString_RedactsIt()
    {
        var options = new ServiceBusSourceOptions { ConnectionString = ConnectionString, QueueName = "q" };

        string text = options.ToString();

        Assert.DoesNotContain(SourceHarness.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessKey", text, StringComparison.Ordinal);
        Assert.Contains("connection string (redacted)", text, StringComparison.Ordinal);
        Assert.Contains("entity q", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_WithoutSessions_AreTheDocumentedOnes()
    {
        var options = new ServiceBusSourceOptions();

        Assert.Equal(
            (0, 2000, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), 10, false, 16, TimeSpan.FromSeconds(5)),
            (options.PrefetchCount, options.EffectiveMaxConcurrentMessages, options.MaxAutoLockRenewal, options.EntityLockDuration,
                options.MaxDeliveryCount, options.SessionsEnabled, options.PartitionCount, options.SessionIdleTimeout));
    }

    [Fact]
    public void Defaults_WithSessions_WindowHolds250kAndEveryPartitionIsReceivedAtOnce()
    {
        var options = new ServiceBusSourceOptions { SessionsEnabled = true, PartitionCount = 32 };

        Assert.Equal((250_000, 32), (options.EffectiveMaxConcurrentMessages, options.EffectiveMaxConcurrentSessions));
    }

    [Fact]
    public void Defaults_ExplicitValues_WinOverModeDefaults()
    {
        var options = new ServiceBusSourceOptions { SessionsEnabled = true, MaxConcurrentMessages = 5000, MaxConcurrentSessions = 8 };

        Assert.Equal((5000, 8), (options.EffectiveMaxConcurrentMessages, options.EffectiveMaxConcurrentSessions));
    }

    [Fact]
    public void Validate_DefaultLockTimingsWithSessions_Succeed()
    {
        ValidateOptionsResult result = Validate(o => (o.ConnectionString, o.QueueName, o.SessionsEnabled) = (ConnectionString, "q", true));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_RenewalNotLongerThanLockDuration_FailsNamingBothKeys()
    {
        string failure = SingleFailure(Validate(o =>
            (o.ConnectionString, o.QueueName, o.MaxAutoLockRenewal, o.EntityLockDuration) = (ConnectionString, "q", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1))));

        Assert.Contains("ServiceBus:MaxAutoLockRenewal", failure, StringComparison.Ordinal);
        Assert.Contains("ServiceBus:EntityLockDuration", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SessionIdleTimeoutAtHalfTheRenewal_FailsWithSessionsOnly()
    {
        void Configure(ServiceBusSourceOptions o) =>
            (o.ConnectionString, o.QueueName, o.MaxAutoLockRenewal, o.SessionIdleTimeout) = (ConnectionString, "q", TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(2));

        string failure = SingleFailure(Validate(o =>
        {
            Configure(o);
            o.SessionsEnabled = true;
        }));

        Assert.Contains("ServiceBus:SessionIdleTimeout", failure, StringComparison.Ordinal);
        Assert.True(Validate(Configure).Succeeded);
    }
}
