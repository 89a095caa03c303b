namespace TagWorker.Settlement;

/// <summary>What to do with a message once all its users are resolved.</summary>
internal enum SettlementKind
{
    Complete,
    DeadLetter,
    Abandon,
}

/// <summary>A settlement with, for dead-letters, the reason and description.</summary>
internal readonly record struct SettlementDecision(SettlementKind Kind, string? Reason = null, string? Description = null)
{
    public static SettlementDecision Complete { get; } = new(SettlementKind.Complete);

    public static SettlementDecision Abandon { get; } = new(SettlementKind.Abandon);

    public static SettlementDecision DeadLetter(string reason, string description) => new(SettlementKind.DeadLetter, reason, description);
}
