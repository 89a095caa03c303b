using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The messages one handler scope handed to the pipeline: how many are still unsettled, and a task for all of
/// them. Each settlement gives its slot back to the source-wide window as soon as the settlement call returns.
/// Messages are handed out by one pump; settlements arrive from any thread.
/// </summary>
internal sealed class HandedOutMessages(SemaphoreSlim window)
{
    private readonly List<Task> _settlements = [];
    private int _unsettled;

    public int Unsettled => Volatile.Read(ref _unsettled);

    /// <summary>Wraps a received message for the pipeline; it holds one window slot (already taken) until settled.</summary>
    public ServiceBusSourceMessage HandOut(ServiceBusReceivedMessage received, ReceiveScope scope)
    {
        var message = new ServiceBusSourceMessage(received, scope, OnSettled);
        Interlocked.Increment(ref _unsettled);
        _settlements.Add(message.Settlement);
        return message;
    }

    public Task WhenAllSettledAsync() => Task.WhenAll(_settlements);

    private void OnSettled()
    {
        Interlocked.Decrement(ref _unsettled);
        window.Release();
    }
}
