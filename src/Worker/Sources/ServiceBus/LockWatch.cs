namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Watches one broker lock (a message lock, or a session lock shared by all of a session's messages) and cancels
/// <see cref="Lost"/> when it is gone: when the lock's end passes without a renewal having moved it, or when told so
/// (the SDK's lock-lost event, a settle or receive that failed with a lock-lost reason). Shutdown never cancels it.
/// </summary>
/// <remarks>
/// The SDK raises its lock-lost event only for the message that triggered a handler call (not for the ones received in
/// its scope) and only while the handler runs, so the source keeps its own watch: the lock's end is read again when
/// the timer fires, because the processor's renewals move it (<see cref="Azure.Messaging.ServiceBus.ServiceBusReceivedMessage.LockedUntil"/>
/// and <see cref="Azure.Messaging.ServiceBus.ProcessSessionMessageEventArgs.SessionLockedUntil"/> are live). A lock
/// end of <c>default</c> is unknown (never on a peek-lock delivery) and, as in the SDK, is not timed.
/// </remarks>
internal sealed class LockWatch : IDisposable
{
    private const int Watching = 0;
    private const int LostState = 1;
    private const int Stopped = 2;

    private readonly Func<DateTimeOffset> _lockedUntil;
    private readonly TimeProvider _timeProvider;

    // Never disposed: it has no timer of its own and nobody asks for its wait handle, and a consumer may still
    // register on the token after the watch stopped.
    private readonly CancellationTokenSource _lost = new();
    private readonly ITimer? _timer;
    private int _state;

    /// <param name="lockedUntil">Reads the lock's current end.</param>
    /// <param name="timeProvider">The clock the end is compared with.</param>
    public LockWatch(Func<DateTimeOffset> lockedUntil, TimeProvider timeProvider)
    {
        _lockedUntil = lockedUntil;
        _timeProvider = timeProvider;
        if (lockedUntil() != default)
        {
            // Armed only once assigned, so the first callback always sees it.
            _timer = timeProvider.CreateTimer(static state => ((LockWatch)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(DueIn(), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancelled once the lock is known to be lost.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>The lock's end as last renewed; <see cref="DateTimeOffset.MaxValue"/> when unknown.</summary>
    public DateTimeOffset LockedUntil => _lockedUntil() is var until && until != default ? until : DateTimeOffset.MaxValue;

    /// <summary>Marks the lock lost (once; ignored after <see cref="Dispose"/>).</summary>
    public void Signal()
    {
        if (Interlocked.CompareExchange(ref _state, LostState, Watching) != Watching)
        {
            return;
        }

        _timer?.Dispose();
        _lost.Cancel();
    }

    /// <summary>Stops watching: the lock's holder settled or let go; <see cref="Lost"/> stays as it is.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, Stopped) == Watching)
        {
            _timer?.Dispose();
        }
    }

    private TimeSpan DueIn()
    {
        TimeSpan left = _lockedUntil() - _timeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _state) != Watching)
        {
            return;
        }

        TimeSpan left = DueIn();
        if (left > TimeSpan.Zero)
        {
            // Renewed since the timer was set: look again at the new end.
            try
            {
                _timer!.Change(left, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Stopped meanwhile.
            }

            return;
        }

        Signal();
    }
}
