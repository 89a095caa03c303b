using System.Diagnostics;
using TagWorker.ImApi;
using TagWorker.Settlement;

namespace TagWorker.Telemetry;

/// <summary>How the worker's spans end. All accept a null activity (nothing listening), so call sites stay plain.</summary>
public static class TagWorkerActivityExtensions
{
    /// <summary>
    /// Records how an IM call ended: outcome and error code as attributes, and an error status (with
    /// <c>error.type</c>) for anything but success. The caller disposes the span afterwards.
    /// </summary>
    public static void SetOutcome(this Activity? imCall, ImOutcomeKind kind, int errorCode)
    {
        if (imCall is null)
        {
            return;
        }

        var outcome = TagWorkerAttributes.OutcomeValue(kind);
        imCall.SetTag(TagWorkerAttributes.Outcome, outcome);
        imCall.SetTag(TagWorkerAttributes.ErrorCode, errorCode);
        if (kind != ImOutcomeKind.Success)
        {
            imCall.SetTag(MessagingAttributes.ErrorType, outcome);
            imCall.SetStatus(ActivityStatusCode.Error, $"{outcome} {errorCode}");
        }
    }

    /// <summary>
    /// Ends a message's span with its settlement: <paramref name="outcome"/> is one of <see cref="SettlementOutcomes"/>,
    /// <paramref name="reason"/> the dead-letter reason. A dead letter sets the error status; an abandon does not (the
    /// message comes back). Leaves <see cref="Activity.Current"/> as it was, since the span was never current.
    /// </summary>
    public static void EndWithSettlement(this Activity? message, string outcome, string? reason = null)
    {
        if (message is null)
        {
            return;
        }

        message.SetTag(TagWorkerAttributes.SettlementOutcome, outcome);
        var disposition = outcome switch
        {
            SettlementOutcomes.Completed => MessagingAttributes.Operations.Complete,
            SettlementOutcomes.DeadLettered => MessagingAttributes.Operations.DeadLetter,
            SettlementOutcomes.Abandoned => MessagingAttributes.Operations.Abandon,
            _ => null,
        };
        if (disposition is not null && Equals(message.GetTagItem(MessagingAttributes.System), MessagingAttributes.ServiceBusSystem))
        {
            message.SetTag(MessagingAttributes.ServiceBusDispositionStatus, disposition);
        }

        if (outcome == SettlementOutcomes.DeadLettered)
        {
            message.SetTag(TagWorkerAttributes.DeadLetterReason, reason);
            message.SetTag(MessagingAttributes.ErrorType, reason ?? outcome);
            message.SetStatus(ActivityStatusCode.Error, reason);
        }

        // Stop makes the span's parent current; this span was never current, so keep what was.
        var current = Activity.Current;
        message.Stop();
        if (!ReferenceEquals(current, message))
        {
            Activity.Current = current;
        }
    }
}
