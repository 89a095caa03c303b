using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// A <see cref="ServiceBusReceiver"/> test double (SDK mocking seam) playing a dead-letter sub-queue: peeks see every
/// message still there, receives lock the next unlocked ones in sequence order, complete removes, abandon unlocks.
/// Every call is recorded.
/// </summary>
internal sealed class ScriptedDeadLetterReceiver : ServiceBusReceiver
{
    private readonly List<ServiceBusReceivedMessage> _messages = [];
    private readonly HashSet<long> _locked = [];

    public List<string> Calls { get; } = [];

    /// <summary>Called at the start of each receive (e.g. to cancel the caller's token).</summary>
    public Action<int>? OnReceive { get; set; }

    public int ReceiveCount { get; private set; }

    public bool Disposed { get; private set; }

    public IReadOnlyList<long> Remaining
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages.Select(m => m.SequenceNumber)];
            }
        }
    }

    public IReadOnlyCollection<long> Locked
    {
        get
        {
            lock (_messages)
            {
                return [.. _locked];
            }
        }
    }

    public void Add(params ServiceBusReceivedMessage[] messages)
    {
        lock (_messages)
        {
            _messages.AddRange(messages);
            _messages.Sort((a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
        }
    }

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_messages)
        {
            Calls.Add($"Peek {maxMessages} from {fromSequenceNumber}");
            IReadOnlyList<ServiceBusReceivedMessage> page = [.. _messages.Where(m => m.SequenceNumber >= (fromSequenceNumber ?? 1)).Take(maxMessages)];
            return Task.FromResult(page);
        }
    }

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        OnReceive?.Invoke(++ReceiveCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_messages)
        {
            Calls.Add($"Receive {maxMessages}");
            IReadOnlyList<ServiceBusReceivedMessage> batch = [.. _messages.Where(m => !_locked.Contains(m.SequenceNumber)).Take(maxMessages)];
            foreach (ServiceBusReceivedMessage message in batch)
            {
                _locked.Add(message.SequenceNumber);
            }

            return Task.FromResult(batch);
        }
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        lock (_messages)
        {
            Calls.Add($"Complete {message.SequenceNumber} cancellable={cancellationToken.CanBeCanceled}");
            _messages.Remove(message);
            _locked.Remove(message.SequenceNumber);
        }

        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        lock (_messages)
        {
            Calls.Add($"Abandon {message.SequenceNumber} cancellable={cancellationToken.CanBeCanceled}");
            _locked.Remove(message.SequenceNumber);
        }

        return Task.CompletedTask;
    }

    // DisposeAsync closes through CloseAsync.
    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Disposed = true;
        return Task.CompletedTask;
    }
}
