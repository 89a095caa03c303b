using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Tests.TestDoubles;

/// <summary>No rate budget: unit tests of dispatch logic do not wait for tokens.</summary>
internal sealed class UnlimitedRateLimiter : IEndpointRateLimiter
{
    public ValueTask<PacedCall> WaitAsync(ImCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(new PacedCall(command, 0));

    public void OnFrequencyLimited(PacedCall pacedCall)
    {
    }

    public void OnSuccess(PacedCall pacedCall)
    {
    }
}
