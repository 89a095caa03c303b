namespace TagWorker.Dispatch.Pacing;

/// <summary>The answer of <see cref="ISharedRateBudget.TakeAsync"/>.</summary>
/// <param name="Available">False when the shared budget cannot be reached: the caller falls back to its own share.</param>
/// <param name="RetryAfter">Zero when the slot was taken; otherwise how long until the next slot is free.</param>
internal readonly record struct SharedTake(bool Available, TimeSpan RetryAfter)
{
    public static SharedTake Taken { get; } = new(true, TimeSpan.Zero);

    public static SharedTake Unavailable { get; } = new(false, TimeSpan.Zero);

    public static SharedTake Wait(TimeSpan retryAfter) => new(true, retryAfter);
}
