namespace TagWorker.Sources.Local;

/// <summary>The outcome of renewing a batch of locks: the new expiry, and per lock whether it was still held.</summary>
internal readonly record struct LockRenewal(DateTimeOffset LockedUntil, bool[] Renewed);
