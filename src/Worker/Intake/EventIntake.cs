using Microsoft.Extensions.Logging;
using TagWorker.Contracts;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Telemetry;

namespace TagWorker.Intake;

/// <summary>
/// First stage: turns a message body into a validated event. An invalid message is dead-lettered at once with
/// reason <c>InvalidEvent</c> and a description naming every offending field and value; it never enters the
/// pipeline, so the valid messages around it are unaffected.
/// </summary>
internal sealed class EventIntake(MessageSettler settler, TagWorkerMetrics metrics, ILogger<EventIntake> logger)
{
    public ValueTask AcceptAsync(SourceMessage message, PipelineCoordinator coordinator)
    {
        metrics.MessageReceived();
        if (!coordinator.IsAccepting)
        {
            // Intake is winding down; the message goes back untouched (no delivery of it was processed).
            settler.SettleAfter([], message, SettlementDecision.Abandon);
            return ValueTask.CompletedTask;
        }

        var parsed = TagChangeEventParser.Parse(message.Body.Span);
        if (!parsed.IsValid)
        {
            // Describe() is bounded by the contract (at most 50 errors, values cut to 64 characters); the source
            // applies its broker's length limit.
            var description = parsed.Describe();
            Log.InvalidEvent(logger, message.MessageId, description);
            settler.SettleAfter([], message, SettlementDecision.DeadLetter(DeadLetterReasons.InvalidEvent, description));
            return ValueTask.CompletedTask;
        }

        coordinator.Accept(message, parsed.Event!);
        return ValueTask.CompletedTask;
    }
}
