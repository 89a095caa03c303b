namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Chooses the <c>SessionId</c> of an outgoing event from its raw UTF-8 JSON body: the partition key of the event's
/// users (the hash documented in <c>docs/events.md</c>), so that one session carries all of a user's events.
/// Returns null when the body names no partition (e.g. it is not a valid event).
/// </summary>
public delegate string? ServiceBusSessionIdSelector(ReadOnlyMemory<byte> body);
