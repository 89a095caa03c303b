using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using TagWorker.ImApi;
using TagWorker.Settlement;

namespace TagWorker.Telemetry;

/// <summary>
/// The worker's metrics, published on the <c>TagWorker</c> meter (exported by OpenTelemetry; names and units in
/// <see cref="TagWorkerInstruments"/>) and also kept as totals for the demo's summary and the progress line.
/// Messaging metrics follow the OpenTelemetry messaging conventions; the worker's own carry <c>tagworker.*</c>
/// attributes (<see cref="TagWorkerAttributes"/>).
/// </summary>
public sealed class TagWorkerMetrics
{
    public const string MeterName = "TagWorker";

    // The conventions' boundaries for messaging durations, in seconds.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // Fine where requests are nearly full, which is where packing decisions show.
    private static readonly int[] UserBuckets = [1, 5, 10, 25, 50, 75, 90, 99, 100];

    private readonly Counter<long> _consumed;
    private readonly Histogram<double> _processDuration;
    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _messagesSettled;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _calls;
    private readonly Histogram<int> _usersPerCall;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _frequencyLimited;
    private readonly Counter<long> _requestsFormed;
    private readonly KeyValuePair<string, object?>[] _receiveAttributes;
    private readonly KeyValuePair<string, object?>[] _processAttributes;
    private readonly MessagingDestination _destination;
    private readonly ConcurrentDictionary<(ImCommand, string), long> _formedTotals = new();
    private readonly ConcurrentDictionary<(ImCommand, string), long> _callTotals = new();
    private readonly ConcurrentDictionary<ImCommand, long> _userTotals = new();
    private readonly ConcurrentDictionary<string, long> _settledTotals = new();
    private readonly List<(string Outcome, long Count, TaskCompletionSource Signal)> _settledWaiters = [];
    private long _received;
    private long _retryTotal;
    private long _frequencyLimitedTotal;

    /// <param name="meterFactory">Creates the <c>TagWorker</c> meter.</param>
    /// <param name="destination">The source's system and entity for the messaging attributes; unspecified when null.</param>
    public TagWorkerMetrics(IMeterFactory meterFactory, MessagingDestination? destination = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _destination = destination ?? MessagingDestination.Unspecified;
        _receiveAttributes = _destination.Attributes(MessagingAttributes.Operations.Receive, MessagingAttributes.OperationTypes.Receive);
        _processAttributes = _destination.Attributes(MessagingAttributes.Operations.Process, MessagingAttributes.OperationTypes.Process);

        var meter = meterFactory.Create(MeterName);
        _consumed = Counter(meter, TagWorkerInstruments.ConsumedMessages);
        _processDuration = Seconds(meter, TagWorkerInstruments.ProcessDuration);
        _operationDuration = Seconds(meter, TagWorkerInstruments.ClientOperationDuration);
        _messagesSettled = Counter(meter, TagWorkerInstruments.MessagesSettled);
        _deadLetters = Counter(meter, TagWorkerInstruments.DeadLetters);
        _calls = Counter(meter, TagWorkerInstruments.Calls);
        _usersPerCall = meter.CreateHistogram(
            TagWorkerInstruments.UsersPerCall.Name,
            TagWorkerInstruments.UsersPerCall.Unit,
            TagWorkerInstruments.UsersPerCall.Description,
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = UserBuckets });
        _retries = Counter(meter, TagWorkerInstruments.Retries);
        _requestsFormed = Counter(meter, TagWorkerInstruments.RequestsFormed);
        _frequencyLimited = Counter(meter, TagWorkerInstruments.FrequencyLimited);
    }

    public long MessagesReceived => Interlocked.Read(ref _received);

    public long Retries => Interlocked.Read(ref _retryTotal);

    public long FrequencyLimited => Interlocked.Read(ref _frequencyLimitedTotal);

    /// <summary>A message was delivered by the source (<c>messaging.client.consumed.messages</c>).</summary>
    public void MessageReceived()
    {
        Interlocked.Increment(ref _received);
        _consumed.Add(1, _receiveAttributes);
    }

    /// <summary>
    /// A message was settled with <paramref name="outcome"/> (<see cref="SettlementOutcomes"/>); dead letters are also
    /// counted by <paramref name="reason"/>.
    /// </summary>
    public void MessageSettled(string outcome, string? reason)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var total = _settledTotals.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        _messagesSettled.Add(1, new KeyValuePair<string, object?>(TagWorkerAttributes.SettlementOutcome, outcome));
        if (outcome == SettlementOutcomes.DeadLettered)
        {
            _deadLetters.Add(1, new KeyValuePair<string, object?>(TagWorkerAttributes.DeadLetterReason, reason ?? string.Empty));
        }

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

    /// <summary>
    /// As <see cref="MessageSettled(string, string?)"/>, and records <c>messaging.process.duration</c>: the time from the
    /// message's hand-off to this settlement. <c>error.type</c> is the dead-letter reason, or the outcome when the
    /// message was not completed.
    /// </summary>
    public void MessageSettled(string outcome, string? reason, TimeSpan processingTime)
    {
        MessageSettled(outcome, reason);
        var tags = new TagList(_processAttributes) { { TagWorkerAttributes.SettlementOutcome, outcome } };
        if (outcome != SettlementOutcomes.Completed)
        {
            tags.Add(MessagingAttributes.ErrorType, reason ?? outcome);
        }

        _processDuration.Record(processingTime.TotalSeconds, tags);
    }

    /// <summary>
    /// A settle call to the source ended (<c>messaging.client.operation.duration</c>): <paramref name="operationName"/>
    /// is <c>complete</c>, <c>abandon</c> or <c>dead_letter</c> (<see cref="MessagingAttributes.Operations"/>);
    /// <paramref name="error"/> is the exception it failed with, if it did (its type becomes <c>error.type</c>).
    /// </summary>
    public void SettleOperationCompleted(string operationName, TimeSpan duration, Exception? error = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationName);
        var tags = new TagList(_destination.Attributes(operationName, MessagingAttributes.OperationTypes.Settle));
        if (error is not null)
        {
            tags.Add(MessagingAttributes.ErrorType, error.GetType().FullName);
        }

        _operationDuration.Record(duration.TotalSeconds, tags);
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

    /// <summary>An IM call ended with <paramref name="kind"/>, carrying <paramref name="users"/> users.</summary>
    public void CallCompleted(ImCommand command, ImOutcomeKind kind, int users)
    {
        _callTotals.AddOrUpdate((command, kind.ToString()), 1, static (_, n) => n + 1);
        if (kind == ImOutcomeKind.Success)
        {
            _userTotals.AddOrUpdate(command, users, (_, n) => n + users);
        }

        var endpoint = EndpointTag(command);
        _calls.Add(1, endpoint, new KeyValuePair<string, object?>(TagWorkerAttributes.Outcome, TagWorkerAttributes.OutcomeValue(kind)));
        _usersPerCall.Record(users, endpoint);
    }

    /// <summary>A request was packed: because it was full, because its oldest user waited the batch delay, or to drain.</summary>
    public void RequestFormed(ImCommand command, string trigger)
    {
        _formedTotals.AddOrUpdate((command, trigger), 1, static (_, n) => n + 1);
        _requestsFormed.Add(1, EndpointTag(command), new KeyValuePair<string, object?>(TagWorkerAttributes.Trigger, trigger));
    }

    /// <summary>Requests packed for <paramref name="command"/> with <paramref name="trigger"/>.</summary>
    public long RequestsFormed(ImCommand command, string trigger) => _formedTotals.GetValueOrDefault((command, trigger));

    /// <summary>A retry was scheduled after a retryable fault (endpoint unknown).</summary>
    public void RetryScheduled()
    {
        Interlocked.Increment(ref _retryTotal);
        _retries.Add(1);
    }

    /// <summary>A retry of a <paramref name="command"/> call was scheduled after a retryable fault.</summary>
    public void RetryScheduled(ImCommand command)
    {
        Interlocked.Increment(ref _retryTotal);
        _retries.Add(1, EndpointTag(command));
    }

    /// <summary>The API answered with a frequency limit (endpoint unknown).</summary>
    public void FrequencyLimitAnswered()
    {
        Interlocked.Increment(ref _frequencyLimitedTotal);
        _frequencyLimited.Add(1);
    }

    /// <summary>The API answered a <paramref name="command"/> call with a frequency limit.</summary>
    public void FrequencyLimitAnswered(ImCommand command)
    {
        Interlocked.Increment(ref _frequencyLimitedTotal);
        _frequencyLimited.Add(1, EndpointTag(command));
    }

    /// <summary>Calls made to <paramref name="command"/> with any outcome.</summary>
    public long Calls(ImCommand command) => _callTotals.Where(p => p.Key.Item1 == command).Sum(p => p.Value);

    /// <summary>Calls to <paramref name="command"/> that succeeded.</summary>
    public long SuccessfulCalls(ImCommand command) => _callTotals.GetValueOrDefault((command, nameof(ImOutcomeKind.Success)));

    /// <summary>Users applied through <paramref name="command"/>.</summary>
    public long UsersApplied(ImCommand command) => _userTotals.GetValueOrDefault(command);

    /// <summary>Messages settled with <paramref name="outcome"/> (completed, dead_lettered, abandoned).</summary>
    public long Settled(string outcome) => _settledTotals.GetValueOrDefault(outcome);

    private static KeyValuePair<string, object?> EndpointTag(ImCommand command) => new(TagWorkerAttributes.Endpoint, ImCommandPaths.ToSegment(command));

    private static Counter<long> Counter(Meter meter, InstrumentDescription instrument) =>
        meter.CreateCounter<long>(instrument.Name, instrument.Unit, instrument.Description);

    private static Histogram<double> Seconds(Meter meter, InstrumentDescription instrument) =>
        meter.CreateHistogram(instrument.Name, instrument.Unit, instrument.Description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
}
