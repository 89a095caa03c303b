using System.ComponentModel.DataAnnotations;

namespace TagWorker.ImSimulator;

/// <summary>
/// Faults the simulator injects into authenticated calls before it reads the body or changes any state
/// (<c>Simulator:Faults</c>). All are off by default. Rates are probabilities from 0 to 1, drawn independently per call;
/// <see cref="Seed"/> makes the draws repeatable.
/// Precedence when several fire on one call: <see cref="ForcedErrorCode"/>, then a dropped connection, then HTTP 502,
/// then 91000. <see cref="Latency"/> is applied first and in addition to any of them. <see cref="LostResponseRate"/>
/// applies only to a call none of them stopped, after it was processed.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>Probability (0–1) that a call answers <c>91000</c> (internal error, retry); default 0.</summary>
    [Range(0d, 1d)]
    public double ErrorRate91000 { get; set; }

    /// <summary>Probability (0–1) that a call answers HTTP 502 with a plain-text body, as a failing gateway does; default 0.</summary>
    [Range(0d, 1d)]
    public double Http502Rate { get; set; }

    /// <summary>Probability (0–1) that the connection is aborted without any response; default 0.</summary>
    [Range(0d, 1d)]
    public double DropConnectionRate { get; set; }

    /// <summary>
    /// Probability (0–1) that a call is processed in full — its change applied to the state, as the vendor would —
    /// and then the connection is aborted without a response; default 0. The worst case for a client: it cannot tell
    /// this from a call that never arrived, so it must retry a change that is already applied. Drawn from a sequence of
    /// its own, so turning it on does not change the other faults a <see cref="Seed"/> draws.
    /// </summary>
    [Range(0d, 1d)]
    public double LostResponseRate { get; set; }

    /// <summary>Delay added to every authenticated call; default zero, at most 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan Latency { get; set; }

    /// <summary>Uniform jitter around <see cref="Latency"/> (the delay is Latency ± jitter, never below zero); default zero, at most 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan LatencyJitter { get; set; }

    /// <summary>When set, every authenticated call answers this <c>ErrorCode</c> (e.g. 90009 for a configuration fault); default none.</summary>
    [Range(1, int.MaxValue)]
    public int? ForcedErrorCode { get; set; }

    /// <summary>Seed of the fault draws; when unset each run draws differently. Default none.</summary>
    public int? Seed { get; set; }

    internal FaultOptions Clone() => (FaultOptions)MemberwiseClone();
}
