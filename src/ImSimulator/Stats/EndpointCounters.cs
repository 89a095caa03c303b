namespace TagWorker.ImSimulator.Stats;

/// <summary>Lock-free counters of one endpoint.</summary>
internal sealed class EndpointCounters
{
    private long _calls;
    private long _succeeded;
    private long _failed;
    private long _violations;
    private long _injectedFaults;
    private long _lostResponses;
    private long _users;
    private long _tags;

    public void CallReceived() => Interlocked.Increment(ref _calls);

    public void Succeeded(int users, int tags)
    {
        Interlocked.Increment(ref _succeeded);
        Interlocked.Add(ref _users, users);
        Interlocked.Add(ref _tags, tags);
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Violation() => Interlocked.Increment(ref _violations);

    public void FaultInjected() => Interlocked.Increment(ref _injectedFaults);

    public void LostResponse() => Interlocked.Increment(ref _lostResponses);

    public EndpointStats Snapshot(int peakCallsInWindow) => new(
        Interlocked.Read(ref _calls),
        Interlocked.Read(ref _succeeded),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _violations),
        Interlocked.Read(ref _injectedFaults),
        Interlocked.Read(ref _users),
        Interlocked.Read(ref _tags),
        peakCallsInWindow,
        Interlocked.Read(ref _lostResponses));

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _succeeded, 0);
        Interlocked.Exchange(ref _failed, 0);
        Interlocked.Exchange(ref _violations, 0);
        Interlocked.Exchange(ref _injectedFaults, 0);
        Interlocked.Exchange(ref _lostResponses, 0);
        Interlocked.Exchange(ref _users, 0);
        Interlocked.Exchange(ref _tags, 0);
    }
}
