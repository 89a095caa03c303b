using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The messages one handler scope handed to the pipeline: how many are still held, and a task for all of them to be
/// released (settled, or their lock lost). Each release gives its slot back to the source-wide window at once.
/// Messages are handed out by one pump; releases arrive from any thread.
/// </summary>
internal sealed class HandedOutMessages(SemaphoreSlim window, MessageFacts facts, LockWatch? sessionLock)
{
    private readonly List<Task> _released = [];
    private int _unsettled;

    /// <summary>Handed out and neither settled nor lock-lost.</summary>
    public int Unsettled => Volatile.Read(ref _unsettled);

    /// <summary>The trigger message's wrapper, once handed out (the SDK reports lock loss for it alone).</summary>
    public ServiceBusSourceMessage? Trigger { get; private set; }

    /// <summary>Wraps a received message for the pipeline; it holds one window slot (already taken) until released.</summary>
    public ServiceBusSourceMessage HandOut(ServiceBusReceivedMessage received, ReceiveScope scope, Action onLockLost)
    {
        Interlocked.Increment(ref _unsettled);
        var message = new ServiceBusSourceMessage(received, scope, facts, sessionLock, OnReleased);
        if (sessionLock is null)
        {
            // A session's loss is watched by the pump once; a message lock's by each message.
            message.LockLost.UnsafeRegister(static state => ((Action)state!)(), onLockLost);
        }

        if (ReferenceEquals(received, scope.TriggerMessage))
        {
            Trigger = message;
        }

        _released.Add(message.Released);
        return message;
    }

    public Task WhenAllReleasedAsync() => Task.WhenAll(_released);

    private void OnReleased()
    {
        Interlocked.Decrement(ref _unsettled);
        window.Release();
    }
}
