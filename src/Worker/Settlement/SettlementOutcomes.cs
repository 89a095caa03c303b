namespace TagWorker.Settlement;

/// <summary>Metric tag values for how a message was settled.</summary>
public static class SettlementOutcomes
{
    public const string Completed = "completed";
    public const string DeadLettered = "dead_lettered";
    public const string Abandoned = "abandoned";
}
