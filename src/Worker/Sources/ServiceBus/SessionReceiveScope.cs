using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>A <see cref="ReceiveScope"/> over the session processor's <see cref="ProcessSessionMessageEventArgs"/>.</summary>
internal sealed class SessionReceiveScope(ProcessSessionMessageEventArgs args) : ReceiveScope
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

    // Everything handed out is settled: closing the session now costs nothing and lets the next scope of this
    // session start with a fresh lock-renewal period (the SDK renews a session lock only so long after accepting it).
    public override void End() => args.ReleaseSession();
}
