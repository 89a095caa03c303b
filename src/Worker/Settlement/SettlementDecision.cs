using TagWorker.Sources;

namespace TagWorker.Settlement;

/// <summary>What to do with a message once all its users are resolved.</summary>
internal enum SettlementKind
{
    Complete,
    DeadLetter,
    Abandon,
}

/// <summary>
/// A settlement with, for dead-letters, the reason, description and failed users, and for abandons the last error.
/// </summary>
internal readonly record struct SettlementDecision(
    SettlementKind Kind,
    string? Reason = null,
    string? Description = null,
    IReadOnlyList<FailedUser>? FailedUsers = null,
    string? LastError = null)
{
    public static SettlementDecision Complete { get; } = new(SettlementKind.Complete);

    public static SettlementDecision Abandon { get; } = new(SettlementKind.Abandon);

    public static SettlementDecision AbandonWith(string? lastError) => new(SettlementKind.Abandon, LastError: lastError);

    public static SettlementDecision DeadLetter(string reason, string description, IReadOnlyList<FailedUser>? failedUsers = null) =>
        new(SettlementKind.DeadLetter, reason, description, failedUsers);
}
