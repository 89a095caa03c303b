namespace TagWorker.ImSimulator.Faults;

/// <summary>
/// Draws the faults of each call from the current <see cref="FaultOptions"/>. The options can be swapped at any time
/// from any thread; each swap starts a new random sequence (seeded when <see cref="FaultOptions.Seed"/> is set).
/// </summary>
internal sealed class FaultInjector
{
    // Mixed into the seed so that the lost-response sequence is not the same numbers as the other draws.
    private const int LostResponseSeedSalt = 0x2545F491;

    private Plan _plan;

    public FaultInjector(FaultOptions initial) => _plan = Plan.From(initial);

    /// <summary>A copy of the options in force; setting stores a copy, so later changes to the caller's object have no effect.</summary>
    public FaultOptions Current
    {
        get => Volatile.Read(ref _plan).Options.Clone();
        set => Volatile.Write(ref _plan, Plan.From(value));
    }

    public FaultDecision Decide()
    {
        var plan = Volatile.Read(ref _plan);
        var options = plan.Options;
        lock (plan.Gate)
        {
            // Draw every value on every call so that one seed gives the same sequence whatever the rates are.
            var jitterDraw = plan.Random.NextDouble();
            var dropDraw = plan.Random.NextDouble();
            var badGatewayDraw = plan.Random.NextDouble();
            var internalErrorDraw = plan.Random.NextDouble();

            var delay = options.Latency + (options.LatencyJitter * ((2 * jitterDraw) - 1));
            if (delay < TimeSpan.Zero)
            {
                delay = TimeSpan.Zero;
            }

            var kind = options switch
            {
                { ForcedErrorCode: not null } => FaultKind.ForcedError,
                _ when dropDraw < options.DropConnectionRate => FaultKind.DropConnection,
                _ when badGatewayDraw < options.Http502Rate => FaultKind.BadGateway,
                _ when internalErrorDraw < options.ErrorRate91000 => FaultKind.InternalError,
                _ => FaultKind.None,
            };
            // A sequence of its own: the draws above stay what a seed gave before this fault existed.
            var loseResponse = kind == FaultKind.None && plan.LostResponseRandom.NextDouble() < options.LostResponseRate;
            return new FaultDecision(delay, kind, options.ForcedErrorCode ?? 0, loseResponse);
        }
    }

    private sealed record Plan(FaultOptions Options, Random Random, Random LostResponseRandom, Lock Gate)
    {
        public static Plan From(FaultOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var copy = options.Clone();
            // Fault draws are test noise, not security: a predictable generator is what the seed is for.
            var random = copy.Seed is { } seed ? new Random(seed) : new Random();
            var lostResponseRandom = copy.Seed is { } lostSeed ? new Random(unchecked(lostSeed ^ LostResponseSeedSalt)) : new Random();
            return new Plan(copy, random, lostResponseRandom, new Lock());
        }
    }
}
