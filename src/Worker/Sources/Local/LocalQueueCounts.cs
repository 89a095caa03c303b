namespace TagWorker.Sources.Local;

/// <summary>How many messages the local queue holds, for reporting.</summary>
/// <param name="Active">Messages available for delivery now (never leased, abandoned, or reclaimed).</param>
/// <param name="Leased">Messages received and neither settled nor reclaimed yet (a dead owner's until the next owner reclaims them).</param>
/// <param name="DeadLettered">Messages in the dead-letter store.</param>
public readonly record struct LocalQueueCounts(long Active, long Leased, long DeadLettered);
