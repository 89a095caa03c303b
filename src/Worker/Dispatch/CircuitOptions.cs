using System.ComponentModel.DataAnnotations;

namespace TagWorker.Dispatch;

/// <summary>The configuration-fault and outage circuits (section <c>Circuit</c>).</summary>
public sealed class CircuitOptions
{
    public const string SectionName = "Circuit";

    /// <summary>
    /// How long the configuration-fault circuit stays open before a probe (a harmless write on each endpoint that
    /// failed, <see cref="HarmlessWriteProbe"/>) tests the settings again. Default 30 s, 10 ms..1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Circuit:ProbeInterval must be between {1} and {2}.")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Share of an endpoint's calls over <see cref="OutageSamplingDuration"/> that must fail with a retryable fault
    /// (91000, HTTP 5xx, timeout, lost connection) to open its outage circuit. Default 0.9: an outage fails nearly
    /// every call, while a storm of even 40% faults is handled by retries and must not stop intake. 0.05..1.
    /// </summary>
    [Range(0.05, 1.0, ErrorMessage = "Circuit:OutageFailureRatio must be between {1} and {2}.")]
    public double OutageFailureRatio { get; set; } = 0.9;

    /// <summary>
    /// Calls an endpoint must have made within the sampling window before its failure ratio counts (enough that a
    /// storm cannot reach the ratio by chance). Default 30; 2..10,000.
    /// </summary>
    [Range(2, 10_000, ErrorMessage = "Circuit:OutageMinimumThroughput must be between {1} and {2}.")]
    public int OutageMinimumThroughput { get; set; } = 30;

    /// <summary>The window the outage failure ratio is measured over. Default 10 s; 500 ms..10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00", ErrorMessage = "Circuit:OutageSamplingDuration must be between {1} and {2}.")]
    public TimeSpan OutageSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an open outage circuit holds calls before one is let through to test the endpoint (the first held
    /// request itself: a write the worker needs anyway). Default 5 s; 10 ms..10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Circuit:OutageBreakDuration must be between {1} and {2}.")]
    public TimeSpan OutageBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
