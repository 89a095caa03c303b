namespace TagWorker.Tests.Dispatch.Pacing.Redis;

/// <summary>
/// The real clock, which a test can jump forward: timers run in real time (the Redis client's operation timeouts stay
/// real), while timestamps read later by the code under test (its reconnect checks) see the jump at once.
/// </summary>
internal sealed class JumpingTimeProvider : TimeProvider
{
    private long _offset;

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => System.GetTimestamp() + Interlocked.Read(ref _offset);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromSeconds((double)Interlocked.Read(ref _offset) / TimestampFrequency);

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));
}
