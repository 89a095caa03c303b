using Azure.Messaging.ServiceBus;

namespace TagWorker.Publisher.Tests.TestDoubles;

/// <summary>A <see cref="ServiceBusClient"/> test double (protected mocking constructor) that hands out one <see cref="SizedBatchSender"/>.</summary>
internal sealed class RecordingServiceBusClient : ServiceBusClient
{
    public SizedBatchSender Sender { get; } = new();

    public List<string> SendersCreatedFor { get; } = [];

    public override ServiceBusSender CreateSender(string queueOrTopicName)
    {
        SendersCreatedFor.Add(queueOrTopicName);
        return Sender;
    }

#pragma warning disable CA2215 // The mocking constructor opens no connection, and the base method would dereference it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
#pragma warning restore CA2215
}
