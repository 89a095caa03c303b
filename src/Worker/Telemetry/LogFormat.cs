namespace TagWorker.Telemetry;

/// <summary><c>Logging:Format</c>: how the console log is written.</summary>
public enum LogFormat
{
    /// <summary>JSON when the environment is Production and the output is not a terminal (a container's log), else text.</summary>
    Auto,

    /// <summary>Serilog's compact JSON, one object a line, with the rendered message and the trace and span ids.</summary>
    Json,

    /// <summary>The human-readable console format.</summary>
    Text,
}
