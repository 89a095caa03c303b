namespace TagWorker.Telemetry;

/// <summary>
/// Every instrument on the <c>TagWorker</c> meter, in one place: the code creates its instruments from these, and the
/// Grafana dashboard's test checks its queries against them, so a renamed metric cannot leave a panel empty.
/// </summary>
public static class TagWorkerInstruments
{
    /// <summary>Semantic convention: messages the source handed to the worker (one per delivery).</summary>
    public static readonly InstrumentDescription ConsumedMessages = new(
        "messaging.client.consumed.messages", "{message}", InstrumentKind.Counter,
        "Messages delivered to the worker by the source, one per delivery.");

    /// <summary>Semantic convention: from hand-off to settlement, per message.</summary>
    public static readonly InstrumentDescription ProcessDuration = new(
        "messaging.process.duration", "s", InstrumentKind.Histogram,
        "Time from a message's hand-off to its settlement.");

    /// <summary>Semantic convention: one settle call (complete, abandon, dead_letter) to the broker.</summary>
    public static readonly InstrumentDescription ClientOperationDuration = new(
        "messaging.client.operation.duration", "s", InstrumentKind.Histogram,
        "Duration of a settle operation (complete, abandon, dead_letter) on the source.");

    public static readonly InstrumentDescription MessagesSettled = new(
        "tagworker.messages.settled", "{message}", InstrumentKind.Counter,
        "Messages settled, by outcome (completed, dead_lettered, abandoned).");

    public static readonly InstrumentDescription DeadLetters = new(
        "tagworker.messages.dead_lettered", "{message}", InstrumentKind.Counter,
        "Messages dead-lettered, by reason.");

    public static readonly InstrumentDescription Calls = new(
        "tagworker.im.calls", "{call}", InstrumentKind.Counter,
        "Calls to the IM API, by endpoint and outcome.");

    public static readonly InstrumentDescription UsersPerCall = new(
        "tagworker.im.call.users", "{user}", InstrumentKind.Histogram,
        "Users carried by one IM API call (100 is a full request).");

    public static readonly InstrumentDescription Retries = new(
        "tagworker.im.retries", "{call}", InstrumentKind.Counter,
        "Calls repeated after a retryable fault.");

    public static readonly InstrumentDescription FrequencyLimited = new(
        "tagworker.im.frequency_limited", "{call}", InstrumentKind.Counter,
        "Frequency-limit answers from the IM API (the goal is zero).");

    public static readonly InstrumentDescription RateLimit = new(
        "tagworker.im.rate_limit", "{call}/s", InstrumentKind.ObservableGauge,
        "Calls per second this replica may send per endpoint (ImApi:RequestsPerSecond).");

    public static readonly InstrumentDescription RequestsFormed = new(
        "tagworker.requests.formed", "{request}", InstrumentKind.Counter,
        "Requests packed, by endpoint and trigger (full, delay, drain).");

    public static readonly InstrumentDescription HeldMessages = new(
        "tagworker.pipeline.held_messages", "{message}", InstrumentKind.ObservableGauge,
        "Messages handed to the pipeline and not settled yet.");

    public static readonly InstrumentDescription PendingUsers = new(
        "tagworker.pipeline.pending_users", "{user}", InstrumentKind.ObservableGauge,
        "Users with changes not yet applied (waiting, or in a call on the wire).");

    public static readonly InstrumentDescription OldestPendingAge = new(
        "tagworker.pipeline.oldest_pending_age", "s", InstrumentKind.ObservableGauge,
        "Age of the oldest change not yet applied (0 when none is pending).");

    /// <summary>All of the above.</summary>
    public static IReadOnlyList<InstrumentDescription> All { get; } =
    [
        ConsumedMessages, ProcessDuration, ClientOperationDuration, MessagesSettled, DeadLetters, Calls, UsersPerCall,
        Retries, FrequencyLimited, RateLimit, RequestsFormed, HeldMessages, PendingUsers, OldestPendingAge,
    ];
}
