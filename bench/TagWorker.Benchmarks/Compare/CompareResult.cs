using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Compare;

/// <summary>What one consumer did with one stream.</summary>
internal sealed record CompareResult
{
    public required CompareStream Stream { get; init; }

    public required ConsumerKind Consumer { get; init; }

    /// <summary>Whether the consumer ran from the baseline build (<c>compare --baseline</c>) rather than this one.</summary>
    public bool Baseline { get; init; }

    /// <summary>Whether every message was settled before the run's timeout.</summary>
    public required bool Drained { get; init; }

    /// <summary>From the first message taken off the queue until none was left (polled).</summary>
    public required TimeSpan DrainTime { get; init; }

    /// <summary>From the child process's start until none was left.</summary>
    public required TimeSpan Wall { get; init; }

    /// <summary>
    /// From the last API call (as the simulator counted calls, to the poll) until none was left: settling what the
    /// calls applied. Null without calls.
    /// </summary>
    public required TimeSpan? SettleTail { get; init; }

    public required ProcessFigures Process { get; init; }

    /// <summary>
    /// Most messages leased at once (received by the consumer and not yet settled: in its memory, in the pipeline's
    /// window or waiting to enter it), as the queue reported it when polled.
    /// </summary>
    public required long PeakHeld { get; init; }

    /// <summary>Resident set when <see cref="PeakHeld"/> was seen.</summary>
    public required long RssAtPeakHeldBytes { get; init; }

    public required IReadOnlyDictionary<ImCommand, EndpointResult> Endpoints { get; init; }

    /// <summary>Users whose final tags differ from the model; null when not checked (intake).</summary>
    public required int? Differences { get; init; }

    public required string? Failure { get; init; }

    public long Calls => Endpoints.Values.Sum(static e => e.Calls);

    public long Violations => Endpoints.Values.Sum(static e => e.Violations);

    public double EventsPerSecond => Stream.Events / DrainTime.TotalSeconds;

    public double CpuSecondsPer100K => Process.Cpu.TotalSeconds * 100_000 / Stream.Events;
}

/// <summary>One endpoint's calls as the simulator counted them, and its steady ok rate (null with too few calls).</summary>
internal sealed record EndpointResult(long Calls, long Succeeded, long Violations, double? SteadyOkPerSecond);
