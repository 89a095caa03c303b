using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Compare;

/// <summary>No rate budget: with <see cref="InstantImTagClient"/>, the pipeline's intake is all that is measured.</summary>
internal sealed class UnlimitedEndpointRateLimiter(TimeProvider timeProvider) : IEndpointRateLimiter
{
    public ValueTask<PacedCall> WaitAsync(ImCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PacedCall(command, timeProvider.GetTimestamp()));

    public void OnFrequencyLimited(PacedCall pacedCall)
    {
    }

    public void OnSuccess(PacedCall pacedCall)
    {
    }
}
