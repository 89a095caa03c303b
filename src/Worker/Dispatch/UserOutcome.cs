namespace TagWorker.Dispatch;

/// <summary>How one user's part of a request ended. Dispatch reports these; Settlement decides what they mean for messages.</summary>
public enum UserOutcomeKind
{
    /// <summary>The API applied the change.</summary>
    Applied,

    /// <summary>The API refused the change even with the user alone in the request: it cannot be applied.</summary>
    Failed,

    /// <summary>
    /// A retryable fault (91000, HTTP 5xx, timeout, lost connection) persisted through <c>Retry:MaxAttempts</c>: the
    /// change is valid and was perhaps applied, perhaps not.
    /// </summary>
    RetriesExhausted,

    /// <summary>Not sent (configuration fault, shutdown): nothing is known to be applied.</summary>
    Abandoned,
}

/// <summary>The end of one user's part of a request; for failures, the vendor's code and text (or the transport fault).</summary>
public readonly record struct UserOutcome(string Account, UserOutcomeKind Kind, int ErrorCode = 0, string? ErrorInfo = null)
{
    public static UserOutcome Applied(string account) => new(account, UserOutcomeKind.Applied);

    public static UserOutcome Abandoned(string account) => new(account, UserOutcomeKind.Abandoned);

    public static UserOutcome Failed(string account, int errorCode, string? errorInfo) =>
        new(account, UserOutcomeKind.Failed, errorCode, errorInfo);

    public static UserOutcome RetriesExhausted(string account, int errorCode, string? errorInfo) =>
        new(account, UserOutcomeKind.RetriesExhausted, errorCode, errorInfo);
}
