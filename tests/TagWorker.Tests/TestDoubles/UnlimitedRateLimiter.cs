using System.Collections.Concurrent;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.ImApi;

namespace TagWorker.Tests.TestDoubles;

/// <summary>No rate budget: unit tests of dispatch logic do not wait for tokens. Records the feedback it is given.</summary>
internal sealed class UnlimitedRateLimiter : IEndpointRateLimiter
{
    private long _sequence;

    public ConcurrentQueue<PacedCall> FrequencyLimited { get; } = new();

    public ConcurrentQueue<PacedCall> Succeeded { get; } = new();

    /// <summary>Each call gets a distinct <see cref="PacedCall.DepartedAt"/> (a sequence number), so feedback can be matched to it.</summary>
    public ValueTask<PacedCall> WaitAsync(ImCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PacedCall(command, Interlocked.Increment(ref _sequence)));

    public void OnFrequencyLimited(PacedCall pacedCall) => FrequencyLimited.Enqueue(pacedCall);

    public void OnSuccess(PacedCall pacedCall) => Succeeded.Enqueue(pacedCall);
}
