namespace TagWorker.Sources.Local;

/// <summary>
/// The messages one receive of <see cref="LocalQueueSource"/> handed out, by index, each slot cleared when its
/// message's settlement ends. The source keeps its batches instead of a map from sequence number to message: a
/// settle clears a slot and counts down without a lock (a concurrent map took a lock and allocated a node per
/// message), and a batch leaves the source's list once all of its messages are settled.
/// </summary>
internal sealed class HandedOutBatch
{
    private readonly LocalQueueMessage?[] _messages;
    private int _unsettled;

    public HandedOutBatch(LocalQueueSource source, IReadOnlyList<LeasedMessage> leased)
    {
        Source = source;
        _messages = new LocalQueueMessage?[leased.Count];
        _unsettled = leased.Count;
        for (var i = 0; i < _messages.Length; i++)
        {
            _messages[i] = new LocalQueueMessage(leased[i], this, i);
        }
    }

    public LocalQueueSource Source { get; }

    public int Count => _messages.Length;

    /// <summary>The message at <paramref name="index"/>, or null once its settlement ended.</summary>
    public LocalQueueMessage? this[int index] => Volatile.Read(ref _messages[index]);

    /// <summary>Clears <paramref name="message"/>'s slot; true when it was the batch's last unsettled message.</summary>
    public bool Release(LocalQueueMessage message)
    {
        Volatile.Write(ref _messages[message.Index], null);
        return Interlocked.Decrement(ref _unsettled) == 0;
    }

    /// <summary>Adds the sequence numbers of the messages not yet settled to <paramref name="held"/>.</summary>
    public void CollectUnsettled(List<long> held)
    {
        for (var i = 0; i < _messages.Length; i++)
        {
            if (this[i] is { } message)
            {
                held.Add(message.SequenceNumber);
            }
        }
    }
}
