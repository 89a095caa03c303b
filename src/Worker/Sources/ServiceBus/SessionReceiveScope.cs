using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>A <see cref="ReceiveScope"/> over the session processor's <see cref="ProcessSessionMessageEventArgs"/>.</summary>
internal sealed class SessionReceiveScope(ProcessSessionMessageEventArgs args) : ReceiveScope
{
    private ProcessorReceiveActions? _receiveActions;

    public override ServiceBusReceivedMessage TriggerMessage => args.Message;

    public override CancellationToken CancellationToken => args.CancellationToken;

    public override bool IsSession => true;

    // The session lock covers every message of the session; the processor's renewals move it.
    public override DateTimeOffset LockedUntil(ServiceBusReceivedMessage message) => args.SessionLockedUntil;

    public override void OnLockLost(Action<ServiceBusReceivedMessage?> onLost) =>
        args.SessionLockLostAsync += _ =>
        {
            onLost(null);
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

    // Everything handed out is settled (or its lock is gone): closing the session now costs nothing and lets the
    // next scope of this session start with a fresh lock-renewal period (the SDK renews a session lock only so long
    // after accepting it).
    public override void End() => args.ReleaseSession();
}
