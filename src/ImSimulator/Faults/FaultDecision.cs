namespace TagWorker.ImSimulator.Faults;

/// <summary>The faults drawn for one call: a delay, then at most one outcome-changing fault.</summary>
/// <param name="Delay">How long to hold the call first; zero for none.</param>
/// <param name="Kind">The outcome-changing fault, or <see cref="FaultKind.None"/>.</param>
/// <param name="ErrorCode">The code answered for <see cref="FaultKind.ForcedError"/>; 0 otherwise.</param>
/// <param name="LoseResponse">Whether a call that <paramref name="Kind"/> does not stop is processed and then left without a response.</param>
internal readonly record struct FaultDecision(TimeSpan Delay, FaultKind Kind, int ErrorCode, bool LoseResponse = false)
{
    public static FaultDecision None { get; } = new(TimeSpan.Zero, FaultKind.None, 0);
}
