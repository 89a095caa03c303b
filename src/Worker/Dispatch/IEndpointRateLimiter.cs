using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>
/// Hands out permission to call an endpoint, and learns from the answers. The vendor's 100 calls/s limit is per
/// endpoint, so is the budget. The dispatcher reports each call's answer back with the <see cref="PacedCall"/> it was
/// given, so that a frequency-limit answer slows the endpoint down and successes let it speed up again.
/// </summary>
public interface IEndpointRateLimiter
{
    /// <summary>Waits until a call to <paramref name="command"/> may leave now, and says when it left.</summary>
    ValueTask<PacedCall> WaitAsync(ImCommand command, CancellationToken cancellationToken);

    /// <summary>The call was answered with a frequency limit (<see cref="ImOutcomeKind.RateLimited"/>): slow down.</summary>
    void OnFrequencyLimited(PacedCall pacedCall);

    /// <summary>The call succeeded: the endpoint may speed up again, up to its ceiling.</summary>
    void OnSuccess(PacedCall pacedCall);
}
