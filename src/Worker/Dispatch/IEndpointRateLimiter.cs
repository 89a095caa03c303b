using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>Hands out permission to call an endpoint; the vendor's 100 calls/s limit is per endpoint, so is the budget.</summary>
public interface IEndpointRateLimiter
{
    /// <summary>Waits until a call to <paramref name="command"/> fits the rate budget.</summary>
    ValueTask WaitAsync(ImCommand command, CancellationToken cancellationToken);
}
