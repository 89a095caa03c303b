using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Sources;

namespace TagWorker.Pipeline;

/// <summary>Inputs to the coordinator's loop; everything that changes pipeline state arrives as one of these.</summary>
internal abstract record PipelineSignal
{
    public sealed record MessageAccepted(SourceMessage Message, TagChangeEvent Event) : PipelineSignal;

    public sealed record CallResolved(TagRequest Request, IReadOnlyList<UserOutcome> Outcomes) : PipelineSignal;

    public sealed record Drain(DrainMode Mode) : PipelineSignal;

    public sealed record IntakeStopped : PipelineSignal;

    public sealed record Tick : PipelineSignal;
}

/// <summary>How the coordinator winds down.</summary>
internal enum DrainMode
{
    /// <summary>Shutdown: send what is pending now, finish what is in flight, then stop.</summary>
    Finish,

    /// <summary>Configuration fault or shutdown deadline: send nothing more; every unresolved message goes back to the source.</summary>
    Abandon,
}
