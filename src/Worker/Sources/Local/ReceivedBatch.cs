namespace TagWorker.Sources.Local;

/// <summary>
/// What one receive leased, in sequence order, and whether more messages were available than it could take (the
/// source's backlog signal; found by reading one row past the batch, no extra query).
/// </summary>
internal readonly record struct ReceivedBatch(IReadOnlyList<LeasedMessage> Messages, bool MoreAvailable);
