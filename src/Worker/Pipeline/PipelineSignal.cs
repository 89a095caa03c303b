using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Settlement;

namespace TagWorker.Pipeline;

/// <summary>Inputs to the coordinator's loop; everything that changes pipeline state arrives as one of these.</summary>
internal abstract record PipelineSignal
{
    public sealed record MessageAccepted(TrackedMessage Message) : PipelineSignal;

    public sealed record CallResolved(TagRequest Request, IReadOnlyList<UserOutcome> Outcomes) : PipelineSignal;

    /// <summary>A settlement did not keep the user's order (refused by the broker, or turned into an abandon).</summary>
    public sealed record SettlementBroke(TrackedMessage Message, SettleResult Result) : PipelineSignal;

    /// <summary>The source lost the message's lock (or its session's).</summary>
    public sealed record LockLost(TrackedMessage Message) : PipelineSignal;

    public sealed record Drain(DrainMode Mode) : PipelineSignal;

    public sealed record IntakeStopped : PipelineSignal;

    public sealed record Tick : PipelineSignal;
}

/// <summary>How the coordinator winds down.</summary>
internal enum DrainMode
{
    /// <summary>Shutdown or fence: send what is pending now, finish what is in flight, then stop.</summary>
    Finish,

    /// <summary>Configuration fault or shutdown deadline: send nothing more; every unresolved message goes back to the source.</summary>
    Abandon,
}
