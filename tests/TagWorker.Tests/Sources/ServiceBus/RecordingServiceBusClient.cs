using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// A <see cref="ServiceBusClient"/> test double (protected mocking constructor) that records which processor or
/// sender was asked for, with which options, and returns the test doubles.
/// </summary>
internal sealed class RecordingServiceBusClient : ServiceBusClient
{
    private int _processorsCreated;

    /// <summary>How many processors the source asked for.</summary>
    public int ProcessorsCreated => _processorsCreated;

    /// <summary>The processor the source asked for last (a new one on each request after the first).</summary>
    public TestProcessor Processor { get; private set; } = new();

    /// <summary>What <see cref="CreateReceiver(string, ServiceBusReceiverOptions)"/> hands out.</summary>
    public ScriptedDeadLetterReceiver Receiver { get; } = new();

    public ServiceBusReceiverOptions? ReceiverOptions { get; private set; }

    public TestSessionProcessor SessionProcessor { get; } = new();

    public RecordingSender Sender { get; } = new();

    public string? CreatedFor { get; private set; }

    public override string FullyQualifiedNamespace => "example.servicebus.windows.net";

    public ServiceBusProcessorOptions? ProcessorOptions { get; private set; }

    public ServiceBusSessionProcessorOptions? SessionProcessorOptions { get; private set; }

    public override ServiceBusProcessor CreateProcessor(string queueName, ServiceBusProcessorOptions options)
    {
        CreatedFor = $"processor queue {queueName}";
        ProcessorOptions = options;
        return NextProcessor();
    }

    public override ServiceBusProcessor CreateProcessor(string topicName, string subscriptionName, ServiceBusProcessorOptions options)
    {
        CreatedFor = $"processor topic {topicName} subscription {subscriptionName}";
        ProcessorOptions = options;
        return NextProcessor();
    }

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options)
    {
        CreatedFor = $"receiver queue {queueName}";
        ReceiverOptions = options;
        return Receiver;
    }

    public override ServiceBusReceiver CreateReceiver(string topicName, string subscriptionName, ServiceBusReceiverOptions options)
    {
        CreatedFor = $"receiver topic {topicName} subscription {subscriptionName}";
        ReceiverOptions = options;
        return Receiver;
    }

    private TestProcessor NextProcessor()
    {
        if (_processorsCreated++ > 0)
        {
            Processor = new TestProcessor();
        }

        return Processor;
    }

    public override ServiceBusSessionProcessor CreateSessionProcessor(string queueName, ServiceBusSessionProcessorOptions? options = null)
    {
        CreatedFor = $"session processor queue {queueName}";
        SessionProcessorOptions = options;
        return SessionProcessor;
    }

    public override ServiceBusSessionProcessor CreateSessionProcessor(string topicName, string subscriptionName, ServiceBusSessionProcessorOptions? options = null)
    {
        CreatedFor = $"session processor topic {topicName} subscription {subscriptionName}";
        SessionProcessorOptions = options;
        return SessionProcessor;
    }

#pragma warning disable CA2215 // The mocking constructor opens no connection, and the base method would dereference it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
#pragma warning restore CA2215

    public override ServiceBusSender CreateSender(string queueOrTopicName)
    {
        CreatedFor = $"sender {queueOrTopicName}";
        return Sender;
    }
}
