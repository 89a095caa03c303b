using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// One invocation of the processor's message handler: the message that triggered it, more messages received in its
/// scope (whose locks the processor keeps renewing until the handler returns) and the settlement calls.
/// </summary>
/// <remarks>
/// Settlement takes no cancellation token and passes <see cref="CancellationToken.None"/>, as the SDK's own
/// processor does, so that shutdown never cancels a settlement already on the wire: an interrupted complete would
/// bring the message back and replay changes that were applied.
/// </remarks>
internal abstract class ReceiveScope
{
    public abstract ServiceBusReceivedMessage TriggerMessage { get; }

    /// <summary>Cancelled when the processor stops (and, with sessions, when the session lock is lost).</summary>
    public abstract CancellationToken CancellationToken { get; }

    public abstract Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan? maxWaitTime, CancellationToken cancellationToken);

    public abstract Task CompleteAsync(ServiceBusReceivedMessage message);

    public abstract Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description);

    public abstract Task AbandonAsync(ServiceBusReceivedMessage message);

    /// <summary>Called once the scope has drained: a session scope lets the processor close the session.</summary>
    public abstract void End();
}
