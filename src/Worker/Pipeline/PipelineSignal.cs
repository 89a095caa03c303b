using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Settlement;

namespace TagWorker.Pipeline;

/// <summary>Inputs to the coordinator's loop; everything that changes pipeline state arrives as one of these.</summary>
internal abstract record PipelineSignal
{
    public sealed record MessageAccepted(TrackedMessage Message) : PipelineSignal;

    public sealed record CallResolved(TagRequest Request, IReadOnlyList<UserOutcome> Outcomes) : PipelineSignal;

    /// <summary>
    /// A settlement ended; when it did not keep the user's order (refused by the broker, or turned into an abandon),
    /// its users must wait for the message to come back. Every outcome is reported so the ledger knows when none of
    /// its settlements can still turn out refused.
    /// </summary>
    public sealed record SettlementReported(TrackedMessage Message, SettleResult Result) : PipelineSignal;

    /// <summary>The source lost the message's lock (or its session's).</summary>
    public sealed record LockLost(TrackedMessage Message) : PipelineSignal;

    public sealed record Drain(DrainMode Mode) : PipelineSignal;

    public sealed record IntakeStopped : PipelineSignal;

    public sealed record Tick : PipelineSignal;

    /// <summary>The settlement an idle user's slot was kept for (its next message must wait for it) has completed.</summary>
    public sealed record LastSettlementDone(UserSlot Slot) : PipelineSignal;
}

/// <summary>How the coordinator winds down.</summary>
internal enum DrainMode
{
    /// <summary>Shutdown or fence: send what is pending now, finish what is in flight, then stop.</summary>
    Finish,

    /// <summary>Configuration fault or shutdown deadline: send nothing more; every unresolved message goes back to the source.</summary>
    Abandon,
}
