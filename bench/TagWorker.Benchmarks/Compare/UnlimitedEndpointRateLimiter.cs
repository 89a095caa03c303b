using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Compare;

/// <summary>No rate budget: with <see cref="InstantImTagClient"/>, the pipeline's intake is all that is measured.</summary>
internal sealed class UnlimitedEndpointRateLimiter : IEndpointRateLimiter
{
    public ValueTask WaitAsync(ImCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
