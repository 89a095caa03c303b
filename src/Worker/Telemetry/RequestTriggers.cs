namespace TagWorker.Telemetry;

/// <summary>Why a request was packed (metric tag values).</summary>
public static class RequestTriggers
{
    /// <summary>A full request's worth of users was ready.</summary>
    public const string Full = "full";

    /// <summary>The oldest ready user had waited <c>Batching:MaxBatchDelay</c>.</summary>
    public const string Delay = "delay";

    /// <summary>The pipeline was draining for shutdown.</summary>
    public const string Drain = "drain";

    /// <summary>The held window was full (<c>Pipeline:MaxHeldMessages</c> or <c>MaxHeldBytes</c>): nothing more could arrive to fill the request.</summary>
    public const string WindowFull = "window_full";
}
