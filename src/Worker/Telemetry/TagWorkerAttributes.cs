using TagWorker.ImApi;

namespace TagWorker.Telemetry;

/// <summary>The worker's own span and metric attributes, namespaced <c>tagworker.*</c> as the conventions ask.</summary>
public static class TagWorkerAttributes
{
    /// <summary>The IM endpoint's segment, e.g. <c>im_add_tag</c>.</summary>
    public const string Endpoint = "tagworker.im.endpoint";

    /// <summary>How an IM call ended: <see cref="OutcomeValue"/> of its <see cref="ImOutcomeKind"/>.</summary>
    public const string Outcome = "tagworker.im.outcome";

    /// <summary>The IM API's <c>ErrorCode</c> (0 on success; the HTTP status or -1 for transport faults).</summary>
    public const string ErrorCode = "tagworker.im.error_code";

    /// <summary>Users carried by one IM call.</summary>
    public const string Users = "tagworker.im.users";

    /// <summary>The attempt of this request, 1 the first time.</summary>
    public const string Attempt = "tagworker.im.attempt";

    /// <summary>Why a request was packed: full, delay, drain (<see cref="RequestTriggers"/>).</summary>
    public const string Trigger = "tagworker.request.trigger";

    /// <summary>How a message was settled: completed, dead_lettered, abandoned.</summary>
    public const string SettlementOutcome = "tagworker.settlement.outcome";

    /// <summary>The dead-letter reason (InvalidEvent, Rejected, WrongSession, ...).</summary>
    public const string DeadLetterReason = "tagworker.dead_letter.reason";

    /// <summary>The message's Service Bus session (its users' partition), when it has one.</summary>
    public const string SessionId = "tagworker.message.session_id";

    /// <summary>The attribute value of an outcome kind: snake_case, as attribute values usually are.</summary>
    public static string OutcomeValue(ImOutcomeKind kind) => kind switch
    {
        ImOutcomeKind.Success => "success",
        ImOutcomeKind.Retryable => "retryable",
        ImOutcomeKind.RateLimited => "rate_limited",
        ImOutcomeKind.SignatureFault => "signature_fault",
        ImOutcomeKind.ConfigurationFault => "configuration_fault",
        ImOutcomeKind.RequestTooLarge => "request_too_large",
        ImOutcomeKind.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown outcome kind."),
    };
}
