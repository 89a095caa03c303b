namespace TagWorker.ImApi;

/// <summary>
/// The outcome of one call, never an exception: the classified kind, the body's code and text (0 and empty when there
/// was no body), the HTTP status when a response arrived, and a description of transport or parse faults.
/// </summary>
/// <param name="Kind">What the dispatcher should do (<see cref="ImErrorClassifier"/>).</param>
/// <param name="ErrorCode">The body's <c>ErrorCode</c>; 0 when no body could be read.</param>
/// <param name="ErrorInfo">The body's <c>ErrorInfo</c>; empty when none.</param>
/// <param name="HttpStatus">The HTTP status, or null when no response arrived (timeout, connection error).</param>
/// <param name="FaultDescription">What went wrong below the API (timeout, connection, unreadable body); null when the body was read.</param>
public sealed record ImCallResult(ImOutcomeKind Kind, int ErrorCode, string ErrorInfo, int? HttpStatus, string? FaultDescription)
{
    /// <summary>Whether the call was applied.</summary>
    public bool IsSuccess => Kind == ImOutcomeKind.Success;
}
