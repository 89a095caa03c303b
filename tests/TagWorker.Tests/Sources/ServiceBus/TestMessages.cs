using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>Broker messages built with <see cref="ServiceBusModelFactory"/>, the SDK's supported way.</summary>
internal static class TestMessages
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static ServiceBusReceivedMessage Create(string? messageId, string body = """{"eventId":"e"}""", int deliveryCount = 1, long sequenceNumber = 1, string? sessionId = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: messageId,
            sessionId: sessionId,
            deliveryCount: deliveryCount,
            sequenceNumber: sequenceNumber);
}
