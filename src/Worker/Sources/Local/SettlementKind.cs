namespace TagWorker.Sources.Local;

/// <summary>How a delivery is settled.</summary>
internal enum SettlementKind
{
    Complete,
    Abandon,
    DeadLetter,
}
