namespace TagWorker.Settlement;

/// <summary>How a settlement ended, as the next settlement of the same users needs to know it.</summary>
internal enum SettleResult
{
    /// <summary>Completed or dead-lettered as decided: the user's later messages may complete.</summary>
    Settled,

    /// <summary>Abandoned as decided: the message comes back, so the user's later messages must not complete first.</summary>
    Returned,

    /// <summary>
    /// Was to complete, but an earlier settlement of one of its users broke the order (it was returned, or failed):
    /// abandoned instead, so it comes back after the earlier one.
    /// </summary>
    Downgraded,

    /// <summary>The broker refused or never answered (lock lost, link down): the message will come back by itself.</summary>
    Failed,
}

internal static class SettleResultExtensions
{
    /// <summary>Whether later messages of the same users may still complete after this one.</summary>
    public static bool KeepsOrder(this SettleResult result) => result == SettleResult.Settled;
}
