namespace TagWorker.Pipeline;

/// <summary>
/// The pipeline's window: how many messages and body bytes it holds, and intake's wait for room. Intake takes a
/// place before handing a message to the coordinator and the coordinator gives it back when the message is settled,
/// so a full window stops the source receiving (back-pressure) instead of growing memory.
/// </summary>
internal sealed class HeldWindow(int maxMessages, long maxBytes)
{
    private readonly object _gate = new();
    private TaskCompletionSource? _room;
    private int _messages;
    private int _parked;
    private long _bytes;
    private long _parkedBytes;

    public int Messages => Volatile.Read(ref _messages);

    /// <summary>Whether the window is at either bound.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return IsFullLocked(0);
            }
        }
    }

    /// <summary>Waits until a message of <paramref name="bytes"/> fits, then counts it in.</summary>
    public async ValueTask EnterAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                // A message larger than the byte bound still goes in alone, or it could never be taken.
                if (!IsFullLocked(bytes) || _messages == _parked)
                {
                    _messages++;
                    _bytes += bytes;
                    return;
                }

                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _room.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A held message was parked behind an older one of its user that is on its way back. Parked messages do not count
    /// against either bound: a window full of messages waiting for a return must still have room to receive that
    /// return, or both wait for each other (with sessions nothing else would break the wait). What parked messages
    /// hold is bounded in time instead: a return that does not come within the coordinator's park limit ends the
    /// intake session, which gives them back.
    /// </summary>
    public void Park(long bytes)
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _parked++;
            _parkedBytes += bytes;
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    /// <summary>A parked message went on (or back).</summary>
    public void Unpark(long bytes)
    {
        lock (_gate)
        {
            _parked--;
            _parkedBytes -= bytes;
        }
    }

    /// <summary>Counts a message in without waiting for room.</summary>
    public void Enter(long bytes)
    {
        lock (_gate)
        {
            _messages++;
            _bytes += bytes;
        }
    }

    /// <summary>A held message was settled (or dropped).</summary>
    public void Leave(long bytes)
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _messages--;
            _bytes -= bytes;
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    private bool IsFullLocked(long incoming) =>
        _messages - _parked >= maxMessages || _bytes - _parkedBytes + incoming > maxBytes;
}
