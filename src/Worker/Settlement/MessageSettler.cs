using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Settlement;

/// <summary>
/// Carries out settlements. A message's settlement starts only after the settlements of the earlier messages of its
/// users finished, so the broker sees a user's messages settled in arrival order even though settlements of
/// different users run concurrently. When an earlier one did not keep the order (it was abandoned, or the broker
/// refused it), a completion becomes an abandon: completing a later change while an earlier one is on its way back
/// would let the earlier one land on top of it. Settling is never cancelled by shutdown (as in the Service Bus SDK's
/// own processor): a settle in progress must be able to finish.
/// </summary>
internal sealed class MessageSettler(TagWorkerMetrics metrics, TimeProvider timeProvider, ILogger<MessageSettler> logger)
{
    private readonly object _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Settles <paramref name="message"/> once <paramref name="predecessors"/> are done. The task never faults.</summary>
    public Task<SettleResult> SettleAfter(IReadOnlyCollection<Task<SettleResult>> predecessors, SourceMessage message, SettlementDecision decision, MessageTrace trace = default)
    {
        var task = predecessors.Count == 0 || predecessors.All(static t => t.IsCompleted)
            ? SettleAsync(Adjust(predecessors, message, decision), message, trace)
            : SettleWhenAsync(predecessors, message, decision, trace);
        Track(task);
        return task;
    }

    /// <summary>Settles a message that no other message of its users waits for (intake's dead-letters).</summary>
    public Task<SettleResult> Settle(SourceMessage message, SettlementDecision decision, MessageTrace trace = default) => SettleAfter([], message, decision, trace);

    /// <summary>Waits for every settlement started so far.</summary>
    public Task WhenAllSettledAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running.ToArray());
        }
    }

    private async Task<SettleResult> SettleWhenAsync(IReadOnlyCollection<Task<SettleResult>> predecessors, SourceMessage message, SettlementDecision decision, MessageTrace trace)
    {
        await Task.WhenAll(predecessors).ConfigureAwait(false);
        return await SettleAsync(Adjust(predecessors, message, decision), message, trace).ConfigureAwait(false);
    }

    private (SettlementDecision Decision, bool Downgraded) Adjust(IReadOnlyCollection<Task<SettleResult>> predecessors, SourceMessage message, SettlementDecision decision)
    {
        if (decision.Kind != SettlementKind.Complete || predecessors.All(static t => t.Result.KeepsOrder()))
        {
            return (decision, false);
        }

        Log.CompletionDowngraded(logger, message.MessageId);
        return (SettlementDecision.AbandonWith("an earlier message of the same user went back to the source"), true);
    }

    private async Task<SettleResult> SettleAsync((SettlementDecision Decision, bool Downgraded) settlement, SourceMessage message, MessageTrace trace)
    {
        var decision = settlement.Decision;
        var (operation, outcome) = decision.Kind switch
        {
            SettlementKind.Complete => (MessagingAttributes.Operations.Complete, SettlementOutcomes.Completed),
            SettlementKind.DeadLetter => (MessagingAttributes.Operations.DeadLetter, SettlementOutcomes.DeadLettered),
            _ => (MessagingAttributes.Operations.Abandon, SettlementOutcomes.Abandoned),
        };
        var started = timeProvider.GetTimestamp();
        try
        {
            switch (decision.Kind)
            {
                case SettlementKind.Complete:
                    await message.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                    break;
                case SettlementKind.DeadLetter:
                    Log.DeadLettered(logger, message.MessageId, decision.Reason!, decision.Description ?? string.Empty);
                    await message.DeadLetterAsync(new DeadLetterDetails(decision.Reason!, decision.Description ?? string.Empty, decision.FailedUsers), CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    await message.AbandonAsync(decision.LastError, CancellationToken.None).ConfigureAwait(false);
                    break;
            }

            metrics.SettleOperationCompleted(operation, timeProvider.GetElapsedTime(started));
            metrics.MessageSettled(outcome, decision.Reason, trace.StartedAt == 0 ? TimeSpan.Zero : timeProvider.GetElapsedTime(trace.StartedAt));
            trace.Span.EndWithSettlement(outcome, decision.Reason);
            return decision.Kind == SettlementKind.Abandon
                ? (settlement.Downgraded ? SettleResult.Downgraded : SettleResult.Returned)
                : SettleResult.Settled;
        }
#pragma warning disable CA1031 // A failed settle (lock lost, broker down) must not stop the pipeline: the source redelivers, and the caller hears of it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.SettleFailed(logger, message.MessageId, decision.Kind.ToString(), exception);
            metrics.SettleOperationCompleted(operation, timeProvider.GetElapsedTime(started), exception);
            trace.Span.EndWithSettlement("settle_failed", exception.GetType().Name);
            return SettleResult.Failed;
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
