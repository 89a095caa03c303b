using Azure.Messaging.ServiceBus;

namespace TagWorker.Publisher.Internal;

/// <summary>A message ready for a batch, with what an error about it must name.</summary>
/// <param name="Index">The position of its event in the call.</param>
/// <param name="MessageId">Its message id, when it has one.</param>
/// <param name="SessionId">Its session, or null without sessions.</param>
/// <param name="Message">The SDK message.</param>
internal readonly record struct OutgoingMessage(int Index, string? MessageId, string? SessionId, ServiceBusMessage Message);
