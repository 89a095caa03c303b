using System.Globalization;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.Pipeline;
using TagWorker.Settlement;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;
using TagWorker.Telemetry;

namespace TagWorker.Intake;

/// <summary>
/// First stage: turns a message body into a validated event. An invalid message is dead-lettered at once with
/// reason <c>InvalidEvent</c> and a description naming every offending field and value; a session message naming a
/// user of another partition is dead-lettered as <c>WrongSession</c> (applied, it could race that user's changes in
/// the other session, held by another replica). Neither enters the pipeline, so the valid messages around them are
/// unaffected.
/// </summary>
internal sealed class EventIntake(
    MessageSettler settler,
    OutageCircuit outage,
    TagWorkerMetrics metrics,
    TagWorkerActivitySource activities,
    TimeProvider timeProvider,
    IOptions<ServiceBusSourceOptions> serviceBus,
    ILogger<EventIntake> logger)
{
    public async ValueTask AcceptAsync(SourceMessage message, PipelineCoordinator coordinator, CancellationToken cancellationToken)
    {
        metrics.MessageReceived();
        var trace = new MessageTrace(activities.StartMessage(message.MessageId, message.DiagnosticId, message.SessionId), timeProvider.GetTimestamp());
        if (!coordinator.IsAccepting)
        {
            // Intake is winding down; the message goes back untouched (no delivery of it was processed).
            _ = settler.Settle(message, SettlementDecision.Abandon, trace);
            return;
        }

        var parsed = TagChangeEventParser.Parse(message.Body.Span);
        if (!parsed.IsValid)
        {
            // Describe() is bounded by the contract (at most 50 errors, values cut to 64 characters); the source
            // applies its broker's length limit.
            var description = parsed.Describe();
            Log.InvalidEvent(logger, message.MessageId, description);
            _ = settler.Settle(message, SettlementDecision.DeadLetter(DeadLetterReasons.InvalidEvent, description), trace);
            return;
        }

        if (message.SessionId is { } sessionId && WrongSession(parsed.Event!, sessionId) is { } wrong)
        {
            Log.WrongSession(logger, message.MessageId, sessionId, wrong.Account, wrong.Partition);
            _ = settler.Settle(message, SettlementDecision.DeadLetter(
                DeadLetterReasons.WrongSession,
                string.Create(CultureInfo.InvariantCulture,
                    $"users[{wrong.Index}]: user '{wrong.Account}' belongs to session partition '{wrong.Partition}' (TagEventPartitioner.SessionIdFor with ServiceBus:PartitionCount {serviceBus.Value.PartitionCount}), but the message's SessionId is '{sessionId}'; publish a segment event split per partition")), trace);
            return;
        }

        // During an outage the worker takes nothing new: waiting here stops the source receiving (its hand-off waits),
        // so no message is received only to be abandoned. A full window waits the same way.
        try
        {
            await outage.WhenClosed.WaitAsync(cancellationToken).ConfigureAwait(false);
            await coordinator.AcceptAsync(message, parsed.Event!, trace, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The source gives the message back; its span ends here.
            trace.Span.EndWithSettlement(SettlementOutcomes.Abandoned, "not taken");
            throw;
        }

        // Taken (the window counted its size): the parsed event is what the pipeline holds from here on.
        message.ReleaseBody();
    }

    private (int Index, string Account, string Partition)? WrongSession(TagChangeEvent tagEvent, string sessionId)
    {
        var partitions = serviceBus.Value.PartitionCount;
        for (var i = 0; i < tagEvent.Users.Count; i++)
        {
            var partition = TagEventPartitioner.SessionIdFor(tagEvent.Users[i], partitions);
            if (!string.Equals(partition, sessionId, StringComparison.Ordinal))
            {
                return (i, tagEvent.Users[i], partition);
            }
        }

        return null;
    }
}
