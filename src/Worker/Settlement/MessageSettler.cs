using Microsoft.Extensions.Logging;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Settlement;

/// <summary>
/// Carries out settlements. A message's settlement starts only after the settlements of the earlier messages of
/// its users finished, so the broker sees a user's messages settled in arrival order even though settlements of
/// different users run concurrently. Settling is never cancelled by shutdown (as in the Service Bus SDK's own
/// processor): a settle in progress must be able to finish.
/// </summary>
internal sealed class MessageSettler(TagWorkerMetrics metrics, ILogger<MessageSettler> logger)
{
    private readonly object _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Settles <paramref name="message"/> once <paramref name="predecessors"/> are done. The task never faults.</summary>
    public Task SettleAfter(IReadOnlyCollection<Task> predecessors, SourceMessage message, SettlementDecision decision)
    {
        var task = predecessors.Count == 0 || predecessors.All(static t => t.IsCompleted)
            ? SettleAsync(message, decision)
            : SettleWhenAsync(predecessors, message, decision);
        Track(task);
        return task;
    }

    /// <summary>Waits for every settlement started so far.</summary>
    public Task WhenAllSettledAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running.ToArray());
        }
    }

    private async Task SettleWhenAsync(IReadOnlyCollection<Task> predecessors, SourceMessage message, SettlementDecision decision)
    {
        await Task.WhenAll(predecessors).ConfigureAwait(false);
        await SettleAsync(message, decision).ConfigureAwait(false);
    }

    private async Task SettleAsync(SourceMessage message, SettlementDecision decision)
    {
        try
        {
            switch (decision.Kind)
            {
                case SettlementKind.Complete:
                    await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                    metrics.MessageSettled(SettlementOutcomes.Completed, null);
                    break;
                case SettlementKind.DeadLetter:
                    Log.DeadLettered(logger, message.MessageId, decision.Reason!, decision.Description ?? string.Empty);
                    await message.DeadLetterAsync(decision.Reason!, decision.Description ?? string.Empty, CancellationToken.None).ConfigureAwait(false);
                    metrics.MessageSettled(SettlementOutcomes.DeadLettered, decision.Reason);
                    break;
                default:
                    await message.AbandonAsync(CancellationToken.None).ConfigureAwait(false);
                    metrics.MessageSettled(SettlementOutcomes.Abandoned, null);
                    break;
            }
        }
#pragma warning disable CA1031 // A failed settle (lock lost, broker down) must not stop the pipeline: the source redelivers.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.SettleFailed(logger, message.MessageId, decision.Kind.ToString(), exception);
        }
    }

    private void Track(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        lock (_gate)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_gate)
                {
                    _running.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
