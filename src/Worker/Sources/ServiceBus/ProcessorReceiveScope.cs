using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>A <see cref="ReceiveScope"/> over the non-session processor's <see cref="ProcessMessageEventArgs"/>.</summary>
internal sealed class ProcessorReceiveScope(ProcessMessageEventArgs args) : ReceiveScope
{
    private ProcessorReceiveActions? _receiveActions;

    public override ServiceBusReceivedMessage TriggerMessage => args.Message;

    public override CancellationToken CancellationToken => args.CancellationToken;

    public override bool IsSession => false;

    // Live: the processor's renewals move it.
    public override DateTimeOffset LockedUntil(ServiceBusReceivedMessage message) => message.LockedUntil;

    public override void OnLockLost(Action<ServiceBusReceivedMessage?> onLost) =>
        args.MessageLockLostAsync += lost =>
        {
            onLost(lost.Message);
            return Task.CompletedTask;
        };

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan? maxWaitTime, CancellationToken cancellationToken) =>
        (_receiveActions ??= args.GetReceiveActions()).ReceiveMessagesAsync(maxMessages, maxWaitTime, cancellationToken);

    public override Task CompleteAsync(ServiceBusReceivedMessage message) =>
        args.CompleteMessageAsync(message, CancellationToken.None);

    public override Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description, Dictionary<string, object> propertiesToModify) =>
        args.DeadLetterMessageAsync(message, propertiesToModify, reason, description, CancellationToken.None);

    public override Task AbandonAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify) =>
        args.AbandonMessageAsync(message, propertiesToModify, CancellationToken.None);

    // The processor's receiver serves every scope; nothing to let go.
    public override void End()
    {
    }
}
