namespace TagWorker.Sources.Local;

/// <summary>How many messages the local queue holds, for reporting.</summary>
/// <param name="Active">Messages available for delivery now (never leased, abandoned, or whose lock expired).</param>
/// <param name="Leased">Messages received and not yet settled whose lock has not expired.</param>
/// <param name="DeadLettered">Messages in the dead-letter store.</param>
public readonly record struct LocalQueueCounts(long Active, long Leased, long DeadLettered);
