namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// One endpoint's pace in calls per second: cut multiplicatively when the API answers with a frequency limit, grown
/// back on success along a curve of the time since the cut, never above <see cref="Ceiling"/> nor below
/// <see cref="Floor"/>. Not thread-safe: <see cref="AdaptivePacer"/> calls it under its lock.
/// </summary>
/// <remarks>
/// <para>
/// The cut. A refusal says the API's window is full, not what its limit is. Let R be the pace reached when it came and
/// the reference the last limit found (R itself if none in <see cref="Memory"/>). A refusal at no less than
/// <see cref="SameLimitBand"/> × the reference, at least <see cref="Settle"/> after the last cut, is a probe or jitter
/// just past a known limit: the pace goes to <see cref="ShallowCut"/> × R and R becomes the reference. Anything else
/// (a refusal well below the reference, or a second one soon after a cut) means the limit dropped: the pace is halved
/// (<see cref="DeepCut"/>), which one more refusal at most suffices for when the limit fell by up to half, and the
/// halved pace becomes the reference.
/// </para>
/// <para>
/// The regrowth. The pace stays at the cut level for <see cref="PlateauAt"/> (K), then rises ever faster:
/// P × (1 + ((t − K) / K)^5), P the pace the cut left. A plateau under the limit just found, then a convex probe, is
/// what CUBIC (RFC 9438) does after its concave part; a straight additive line cannot do both jobs here. Modelled
/// against the simulator's sliding window (20 ± 10 ms latency, limit squeezed from 100 to 60 for 10 s, same cuts): a
/// line steep enough to be back at 97 within 5 s of the squeeze's end (9 calls/s per second) passes the 5% under the
/// limit in half a second and so probes about once a second, each probe one refused call: 10 refusals, 1.8% of the
/// calls. This curve (K = 2 s) probes every ~3 to 4 s: 4 refusals (0.8%), back at 97 within 4 s. The measured figures
/// come from the bench's <c>shared-budget</c> verb.
/// </para>
/// <para>
/// The quick recovery. At the ceiling (<c>ImApi:RequestsPerSecond</c>, 98, under the vendor's 100) an isolated refusal
/// is nearly always arrival jitter, not a limit: a stall of the worker (a GC, a busy pool) holds a few granted calls and
/// they reach the API together, two more than its window allows. A 2 s plateau after each of those cost ~13 calls, and
/// with one every 6–25 s on a busy box that was 0.5–2% of the rate (a single worker measured 95.5–96.7 ok calls/s at 98).
/// So a shallow cut at the ceiling with no other cut in the <see cref="QuietBefore"/> before it keeps its plateau only
/// <see cref="QuickPlateauAt"/> (~4 calls lost). A real drop of the limit is still found: the next refusal comes within
/// <see cref="Settle"/> and cuts deep with the full plateau; and a limit just under the ceiling refuses again within
/// <see cref="QuietBefore"/>, so from then on it is probed at the normal plateau.
/// </para>
/// </remarks>
internal sealed class AdaptiveRate
{
    /// <summary>The lowest pace: one call a second, so that a refusing API is still probed.</summary>
    public const double Floor = 1;

    /// <summary>Pace kept after a refusal that means the limit dropped.</summary>
    public const double DeepCut = 0.5;

    /// <summary>Pace kept, as a fraction of the pace reached, after a refusal at a known limit.</summary>
    public const double ShallowCut = 0.95;

    /// <summary>A refusal at no less than this fraction of the reference is taken to be at the same limit.</summary>
    public const double SameLimitBand = 0.9;

    /// <summary>How long the last limit found is remembered (after that the ceiling is the reference again).</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromSeconds(30);

    /// <summary>A refusal sooner than this after a cut says the cut was not enough.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>How long the pace stays at the cut level before it probes upward.</summary>
    public static readonly TimeSpan PlateauAt = TimeSpan.FromSeconds(2);

    /// <summary>The plateau after an isolated refusal at the ceiling (see the remarks).</summary>
    public static readonly TimeSpan QuickPlateauAt = TimeSpan.FromSeconds(0.5);

    /// <summary>A refusal at the ceiling with no cut this long before it is taken to be jitter.</summary>
    public static readonly TimeSpan QuietBefore = TimeSpan.FromSeconds(5);

    // The fifth power (CUBIC's convex part uses the third) keeps the probe gentle just past the plateau and steep soon
    // after: 1.55 K to pass a limit 5% over the plateau, 1.9 K to go from 57 to 97.
    private const int CurvePower = 5;

    private readonly long _timestampFrequency;
    private double _ceiling;
    private bool _recovering;
    private long _cutAt;
    private double _plateau;
    private double _plateauSeconds = PlateauAt.TotalSeconds;
    private double? _reference;
    private long _referenceAt;

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

    /// <summary>Whether the last cut was shallow (a known limit) rather than deep (the limit dropped).</summary>
    public bool LastCutWasShallow { get; private set; }

    /// <summary>Whether the last cut was an isolated refusal at the ceiling, recovered from after <see cref="QuickPlateauAt"/>.</summary>
    public bool LastCutWasQuick { get; private set; }

    /// <summary>
    /// A frequency-limit answer arrived at <paramref name="now"/>; <paramref name="sentInLastSecond"/> calls left in the
    /// second before it, which is the pace actually reached (it can be below <see cref="Current"/> when the calls come
    /// slower than allowed, or a shared budget held them).
    /// </summary>
    public void Cut(long now, int sentInLastSecond)
    {
        var reached = Math.Max(Floor, Math.Min(Current, sentInLastSecond));
        // Without a limit found lately, the pace reached is the reference: a first refusal is taken to be at a limit
        // (shallow); if the limit really dropped, the next refusal comes before the cut settled and halves the pace.
        var reference = _reference is { } found && Seconds(now - _referenceAt) < Memory.TotalSeconds ? found : reached;
        var settled = LastCutAt == long.MinValue || Seconds(now - LastCutAt) >= Settle.TotalSeconds;
        LastCutWasShallow = settled && reached >= SameLimitBand * reference;
        var quiet = LastCutAt == long.MinValue || Seconds(now - LastCutAt) >= QuietBefore.TotalSeconds;
        LastCutWasQuick = LastCutWasShallow && quiet && reached >= SameLimitBand * _ceiling;
        _plateauSeconds = (LastCutWasQuick ? QuickPlateauAt : PlateauAt).TotalSeconds;
        _plateau = Math.Clamp(reached * (LastCutWasShallow ? ShallowCut : DeepCut), Floor, _ceiling);
        _reference = LastCutWasShallow ? reached : _plateau;
        _referenceAt = now;
        _cutAt = now;
        _recovering = true;
        LastCutAt = now;
        Current = _plateau;
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
        var plateau = _plateauSeconds;
        return secondsSinceCut <= plateau
            ? _plateau
            : _plateau * (1 + Math.Pow((secondsSinceCut - plateau) / plateau, CurvePower));
    }

    private double Seconds(long ticks) => (double)ticks / _timestampFrequency;
}
