using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TagWorker.ImApi;

namespace TagWorker.Telemetry;

/// <summary>
/// The worker's metrics, published on the <c>TagWorker</c> meter (exported by OpenTelemetry) and also kept as
/// totals for the demo's summary and the progress line.
/// </summary>
public sealed class TagWorkerMetrics
{
    public const string MeterName = "TagWorker";

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesSettled;
    private readonly Counter<long> _calls;
    private readonly Histogram<int> _usersPerCall;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _frequencyLimited;
    private readonly Counter<long> _requestsFormed;
    private readonly ConcurrentDictionary<(ImCommand, string), long> _formedTotals = new();
    private readonly ConcurrentDictionary<(ImCommand, string), long> _callTotals = new();
    private readonly ConcurrentDictionary<ImCommand, long> _userTotals = new();
    private readonly ConcurrentDictionary<string, long> _settledTotals = new();
    private readonly List<(string Outcome, long Count, TaskCompletionSource Signal)> _settledWaiters = [];
    private long _received;
    private long _retryTotal;
    private long _frequencyLimitedTotal;

    public TagWorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesReceived = meter.CreateCounter<long>("tagworker.messages.received", "{message}", "Messages taken from the source.");
        _messagesSettled = meter.CreateCounter<long>("tagworker.messages.settled", "{message}", "Messages settled, by outcome (completed, dead_lettered, abandoned) and reason.");
        _calls = meter.CreateCounter<long>("tagworker.im.calls", "{call}", "Calls to the IM API, by endpoint and outcome kind.");
        _usersPerCall = meter.CreateHistogram<int>("tagworker.im.call.users", "{user}", "Users carried by one IM API call.");
        _retries = meter.CreateCounter<long>("tagworker.im.retries", "{call}", "Calls repeated after a retryable fault.");
        _requestsFormed = meter.CreateCounter<long>("tagworker.requests.formed", "{request}", "Requests packed, by endpoint and trigger (full, delay, drain).");
        _frequencyLimited = meter.CreateCounter<long>("tagworker.im.frequency_limited", "{call}", "Frequency-limit answers (the goal is zero).");
    }

    public long MessagesReceived => Interlocked.Read(ref _received);

    public long Retries => Interlocked.Read(ref _retryTotal);

    public long FrequencyLimited => Interlocked.Read(ref _frequencyLimitedTotal);

    public void MessageReceived()
    {
        Interlocked.Increment(ref _received);
        _messagesReceived.Add(1);
    }

    public void MessageSettled(string outcome, string? reason)
    {
        var total = _settledTotals.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        _messagesSettled.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason ?? string.Empty));
        lock (_settledWaiters)
        {
            for (var i = _settledWaiters.Count - 1; i >= 0; i--)
            {
                var waiter = _settledWaiters[i];
                if (waiter.Outcome == outcome && total >= waiter.Count)
                {
                    waiter.Signal.TrySetResult();
                    _settledWaiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> messages were settled with <paramref name="outcome"/>.</summary>
    public Task WhenSettled(string outcome, long count)
    {
        lock (_settledWaiters)
        {
            if (Settled(outcome) >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _settledWaiters.Add((outcome, count, signal));
            return signal.Task;
        }
    }

    public void CallCompleted(ImCommand command, ImOutcomeKind kind, int users)
    {
        _callTotals.AddOrUpdate((command, kind.ToString()), 1, static (_, n) => n + 1);
        if (kind == ImOutcomeKind.Success)
        {
            _userTotals.AddOrUpdate(command, users, (_, n) => n + users);
        }

        var endpoint = new KeyValuePair<string, object?>("endpoint", ImCommandPaths.ToSegment(command));
        _calls.Add(1, endpoint, new KeyValuePair<string, object?>("outcome", kind.ToString()));
        _usersPerCall.Record(users, endpoint);
    }

    /// <summary>A request was packed: because it was full, because its oldest user waited the batch delay, or to drain.</summary>
    public void RequestFormed(ImCommand command, string trigger)
    {
        _formedTotals.AddOrUpdate((command, trigger), 1, static (_, n) => n + 1);
        _requestsFormed.Add(1, new KeyValuePair<string, object?>("endpoint", ImCommandPaths.ToSegment(command)), new KeyValuePair<string, object?>("trigger", trigger));
    }

    /// <summary>Requests packed for <paramref name="command"/> with <paramref name="trigger"/>.</summary>
    public long RequestsFormed(ImCommand command, string trigger) => _formedTotals.GetValueOrDefault((command, trigger));

    public void RetryScheduled()
    {
        Interlocked.Increment(ref _retryTotal);
        _retries.Add(1);
    }

    public void FrequencyLimitAnswered()
    {
        Interlocked.Increment(ref _frequencyLimitedTotal);
        _frequencyLimited.Add(1);
    }

    /// <summary>Calls made to <paramref name="command"/> with any outcome.</summary>
    public long Calls(ImCommand command) => _callTotals.Where(p => p.Key.Item1 == command).Sum(p => p.Value);

    /// <summary>Calls to <paramref name="command"/> that succeeded.</summary>
    public long SuccessfulCalls(ImCommand command) => _callTotals.GetValueOrDefault((command, nameof(ImOutcomeKind.Success)));

    /// <summary>Users applied through <paramref name="command"/>.</summary>
    public long UsersApplied(ImCommand command) => _userTotals.GetValueOrDefault(command);

    /// <summary>Messages settled with <paramref name="outcome"/> (completed, dead_lettered, abandoned).</summary>
    public long Settled(string outcome) => _settledTotals.GetValueOrDefault(outcome);
}
