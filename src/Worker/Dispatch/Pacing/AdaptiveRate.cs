namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// One endpoint's pace in calls per second: cut multiplicatively when the API answers with a frequency limit, grown
/// back on success along a curve of the time since the cut, never above <see cref="Ceiling"/> nor below
/// <see cref="Floor"/>. Not thread-safe: <see cref="AdaptivePacer"/> calls it under its lock.
/// </summary>
/// <remarks>
/// <para>
/// The cut. A refusal says the API's window is full, not what its limit is. When the rate at the refusal is far from
/// the last refusal's (or there was none in <see cref="Memory"/>), the limit may have dropped anywhere: the rate is
/// halved (<see cref="DeepCut"/>), which one refusal suffices for when the limit fell by up to half. When it is within
/// <see cref="SameLimitBand"/> of the last one, this is a probe just past a limit already found: the rate goes back to
/// just under it (<see cref="ShallowCut"/>), so a squeezed API is used at ~95% instead of ~75%.
/// </para>
/// <para>
/// The regrowth (a CUBIC-like curve, RFC 9438, with a flatter plateau): from <c>start × W</c> (W the rate at the cut)
/// it climbs quickly back to just under W, stays near W around <see cref="PlateauAt"/>, then rises ever faster past it
/// to probe whether the limit came back. Measured against the alternative the issue names, additive increase: a
/// straight line fast enough to be back at the ceiling within 5 s of a squeeze's end probes a 60 calls/s squeeze every
/// ~2 s (each probe is one refused call) and stays ~10 calls/s under the limit; this curve probes every ~3 s and sits at
/// the limit, which is what keeps refusals under 1% of calls in a squeeze and recovery within 5 s (docs in the report
/// of the pacing work; the simulator's <c>PUT /_sim/limits</c> reproduces it).
/// </para>
/// </remarks>
internal sealed class AdaptiveRate
{
    /// <summary>The lowest pace: one call a second, so that a refusing API is still probed.</summary>
    public const double Floor = 1;

    /// <summary>Rate kept after an unexplained refusal.</summary>
    public const double DeepCut = 0.5;

    /// <summary>Rate kept, as a fraction of the last refusal's rate, after a refusal near it.</summary>
    public const double ShallowCut = 0.95;

    /// <summary>A refusal at no less than this fraction of the last refusal's rate is taken to be at the same limit.</summary>
    public const double SameLimitBand = 0.9;

    /// <summary>How long a refusal's rate is remembered as the limit found.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromSeconds(30);

    /// <summary>Time from a cut to the middle of the plateau near the rate at the cut.</summary>
    public static readonly TimeSpan PlateauAt = TimeSpan.FromSeconds(2.2);

    // The curve is W × (1 − (1 − start) × |x|^5) before the plateau and W × (1 + x^5) after it, x = (t − K) / K.
    // The fifth power (CUBIC uses the third) keeps it flat for longer around K and steeper on both sides.
    private const int CurvePower = 5;
    private const double ProbeGain = 1;

    private readonly long _timestampFrequency;
    private double _ceiling;
    private bool _recovering;
    private long _cutAt;
    private double _rateAtCut;
    private double _startFraction;
    private double? _lastRefusedRate;
    private long _lastRefusedAt;

    public AdaptiveRate(double ceiling, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, Floor);
        _ceiling = ceiling;
        _timestampFrequency = timestampFrequency;
        Current = ceiling;
    }

    /// <summary>The pace now, in calls per second.</summary>
    public double Current { get; private set; }

    /// <summary>
    /// The most the pace may reach. Lowering it lowers <see cref="Current"/> at once; raising it lets the next success
    /// regrow to it (immediately unless a cut is being recovered from).
    /// </summary>
    public double Ceiling
    {
        get => _ceiling;
        set
        {
            _ceiling = Math.Max(Floor, value);
            Current = Math.Min(Current, _ceiling);
        }
    }

    /// <summary>When the last cut happened (a timestamp), or <see cref="long.MinValue"/> if none did.</summary>
    public long LastCutAt { get; private set; } = long.MinValue;

    /// <summary>
    /// A frequency-limit answer arrived at <paramref name="now"/>; <paramref name="sentInLastSecond"/> calls left in the
    /// second before it, which is the pace actually reached (it can be below <see cref="Current"/> when the calls come
    /// slower than allowed, or a shared budget held them).
    /// </summary>
    public void Cut(long now, int sentInLastSecond)
    {
        var refusedAt = Math.Max(Floor, Math.Min(Current, sentInLastSecond));
        var nearLastRefusal = _lastRefusedRate is { } last
            && Seconds(now - _lastRefusedAt) < Memory.TotalSeconds
            && refusedAt >= SameLimitBand * last;
        if (nearLastRefusal)
        {
            _rateAtCut = Math.Min(refusedAt, _lastRefusedRate!.Value);
            _startFraction = ShallowCut;
        }
        else
        {
            _rateAtCut = refusedAt;
            _startFraction = DeepCut;
        }

        _lastRefusedRate = refusedAt;
        _lastRefusedAt = now;
        _cutAt = now;
        _recovering = true;
        LastCutAt = now;
        Current = Math.Clamp(_rateAtCut * _startFraction, Floor, _ceiling);
    }

    /// <summary>A call succeeded at <paramref name="now"/>: regrow along the curve, never down, never past the ceiling.</summary>
    public void Grow(long now)
    {
        if (!_recovering)
        {
            Current = _ceiling;
            return;
        }

        var target = Target(Seconds(now - _cutAt));
        if (target >= _ceiling)
        {
            _recovering = false;
            Current = _ceiling;
            return;
        }

        Current = Math.Clamp(Math.Max(Current, target), Floor, _ceiling);
    }

    /// <summary>The curve's pace <paramref name="secondsSinceCut"/> after the last cut (not clamped).</summary>
    internal double Target(double secondsSinceCut)
    {
        var plateau = PlateauAt.TotalSeconds;
        var x = (secondsSinceCut - plateau) / plateau;
        return x < 0
            ? _rateAtCut * (1 - ((1 - _startFraction) * Math.Pow(-x, CurvePower)))
            : _rateAtCut * (1 + (ProbeGain * Math.Pow(x, CurvePower)));
    }

    private double Seconds(long ticks) => (double)ticks / _timestampFrequency;
}
