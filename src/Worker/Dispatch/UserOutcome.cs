namespace TagWorker.Dispatch;

/// <summary>How one user's part of a request ended.</summary>
public enum UserOutcomeKind
{
    /// <summary>The API applied the change.</summary>
    Applied,

    /// <summary>Failed for good: the user's messages are dead-lettered.</summary>
    Failed,

    /// <summary>Not applied and not failed (configuration fault, shutdown): the user's messages go back to the source.</summary>
    Abandoned,
}

/// <summary>The end of one user's part of a request; for failures, why (dead-letter reason, vendor code and text).</summary>
public readonly record struct UserOutcome(string Account, UserOutcomeKind Kind, string? Reason = null, int ErrorCode = 0, string? ErrorInfo = null)
{
    public static UserOutcome Applied(string account) => new(account, UserOutcomeKind.Applied);

    public static UserOutcome Abandoned(string account) => new(account, UserOutcomeKind.Abandoned);

    public static UserOutcome Failed(string account, string reason, int errorCode, string? errorInfo) =>
        new(account, UserOutcomeKind.Failed, reason, errorCode, errorInfo);
}
