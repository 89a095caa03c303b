using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Tests.TestDoubles;

/// <summary>No rate budget: unit tests of dispatch logic do not wait for tokens.</summary>
internal sealed class UnlimitedRateLimiter : IEndpointRateLimiter
{
    public ValueTask WaitAsync(ImCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
