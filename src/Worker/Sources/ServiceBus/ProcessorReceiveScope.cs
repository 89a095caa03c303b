using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>A <see cref="ReceiveScope"/> over the non-session processor's <see cref="ProcessMessageEventArgs"/>.</summary>
internal sealed class ProcessorReceiveScope(ProcessMessageEventArgs args) : ReceiveScope
{
    private ProcessorReceiveActions? _receiveActions;

    public override ServiceBusReceivedMessage TriggerMessage => args.Message;

    public override CancellationToken CancellationToken => args.CancellationToken;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan? maxWaitTime, CancellationToken cancellationToken) =>
        (_receiveActions ??= args.GetReceiveActions()).ReceiveMessagesAsync(maxMessages, maxWaitTime, cancellationToken);

    public override Task CompleteAsync(ServiceBusReceivedMessage message) =>
        args.CompleteMessageAsync(message, CancellationToken.None);

    public override Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description) =>
        args.DeadLetterMessageAsync(message, reason, description, CancellationToken.None);

    public override Task AbandonAsync(ServiceBusReceivedMessage message) =>
        args.AbandonMessageAsync(message, propertiesToModify: null, CancellationToken.None);

    // The processor's receiver serves every scope; nothing to let go.
    public override void End()
    {
    }
}
