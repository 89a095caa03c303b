using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// One invocation of the processor's message handler: the message that triggered it, more messages received in its
/// scope (whose locks the processor keeps renewing until the handler returns), the settlement calls, and what the
/// SDK tells about lost locks.
/// </summary>
/// <remarks>
/// Settlement takes no cancellation token and passes <see cref="CancellationToken.None"/>, as the SDK's own
/// processor does, so that shutdown never cancels a settlement already on the wire: an interrupted complete would
/// bring the message back and replay changes that were applied.
/// </remarks>
internal abstract class ReceiveScope
{
    public abstract ServiceBusReceivedMessage TriggerMessage { get; }

    /// <summary>
    /// Cancelled when the processor stops (and, with sessions, when the session is released or the processor
    /// learnt of a lost session lock). Not a lock-lost signal: see <see cref="OnLockLost"/>.
    /// </summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Whether this is a session's scope: one session lock covers every message in it.</summary>
    public abstract bool IsSession { get; }

    /// <summary>
    /// When the lock covering <paramref name="message"/> ends as last renewed (the session lock in a session scope);
    /// <c>default</c> when unknown.
    /// </summary>
    public abstract DateTimeOffset LockedUntil(ServiceBusReceivedMessage message);

    /// <summary>
    /// Calls <paramref name="onLost"/> when the SDK reports a lost lock while the handler runs: with the trigger
    /// message when its lock is lost (not raised for messages received in the scope), or with null when the session
    /// lock is lost.
    /// </summary>
    public abstract void OnLockLost(Action<ServiceBusReceivedMessage?> onLost);

    public abstract Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan? maxWaitTime, CancellationToken cancellationToken);

    public abstract Task CompleteAsync(ServiceBusReceivedMessage message);

    /// <summary>Dead-letters with reason, description and application properties set on the dead letter.</summary>
    public abstract Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description, Dictionary<string, object> propertiesToModify);

    /// <summary>Abandons, setting <paramref name="propertiesToModify"/> on the message the broker delivers next.</summary>
    public abstract Task AbandonAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify);

    /// <summary>Called once the scope has drained: a session scope lets the processor close the session.</summary>
    public abstract void End();
}
