namespace TagWorker.Telemetry;

/// <summary>The <c>Logging</c> keys the worker reads itself (levels are Serilog's, under <c>Serilog:MinimumLevel</c>).</summary>
public sealed class LogFormatOptions
{
    public const string SectionName = "Logging";

    /// <summary><c>auto</c> (default), <c>json</c> or <c>text</c> (<see cref="LogFormat"/>); a string, so a typo is reported with the key.</summary>
    public string Format { get; set; } = nameof(LogFormat.Auto);

    /// <summary>The format <see cref="Format"/> names, or null when it names none.</summary>
    public LogFormat? Parsed => Enum.TryParse<LogFormat>(Format, ignoreCase: true, out var format) && Enum.IsDefined(format) && !int.TryParse(Format, out _) ? format : null;

    /// <summary>
    /// Whether the log is JSON. <c>auto</c> means JSON only in production inside a container whose output is not a
    /// terminal (a pod, where a collector reads it): someone running the worker from a shell, even piped into a file
    /// or a test, reads text. The chart sets <c>json</c> explicitly.
    /// </summary>
    public bool UseJson(bool productionContainer, bool outputRedirected) => (Parsed ?? LogFormat.Auto) switch
    {
        LogFormat.Json => true,
        LogFormat.Text => false,
        _ => productionContainer && outputRedirected,
    };
}
