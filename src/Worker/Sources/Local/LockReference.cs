namespace TagWorker.Sources.Local;

/// <summary>The lock of one delivery: which message, and the token that holds it.</summary>
internal readonly record struct LockReference(long SequenceNumber, Guid LockToken);
