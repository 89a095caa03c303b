using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>Broker messages built with <see cref="ServiceBusModelFactory"/>, the SDK's supported way.</summary>
internal static class TestMessages
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A received message. Its lock end (<c>lockedUntil</c>) defaults to unknown, which the source, like the SDK, does
    /// not time; tests of lock expiry set it relative to the harness's clock.
    /// </summary>
    public static ServiceBusReceivedMessage Create(
        string? messageId,
        string body = """{"eventId":"e"}""",
        int deliveryCount = 1,
        long sequenceNumber = 1,
        string? sessionId = null,
        DateTimeOffset lockedUntil = default,
        IDictionary<string, object>? properties = null,
        DateTimeOffset enqueuedTime = default) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: messageId,
            sessionId: sessionId,
            properties: properties,
            deliveryCount: deliveryCount,
            lockedUntil: lockedUntil,
            sequenceNumber: sequenceNumber,
            enqueuedTime: enqueuedTime);
}
