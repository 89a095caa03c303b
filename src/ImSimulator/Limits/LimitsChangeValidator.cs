using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Limits;

/// <summary>Checks a <see cref="SimulatorLimitsChange"/> against the same range as <c>Simulator:CallsPerSecond</c>.</summary>
internal static class LimitsChangeValidator
{
    public const int MinCallsPerSecond = 1;
    public const int MaxCallsPerSecond = 100_000;

    /// <summary>Every problem with the change, each naming the field; empty when it may be applied.</summary>
    public static IReadOnlyList<string> Validate(SimulatorLimitsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = new List<string>();
        if (change.CallsPerSecond is null && (change.Endpoints is null || change.Endpoints.Count == 0))
        {
            errors.Add("Give callsPerSecond (every endpoint) or endpoints (by command name), e.g. {\"callsPerSecond\":60}.");
        }

        if (change.CallsPerSecond is { } all && !InRange(all))
        {
            errors.Add($"callsPerSecond must be between {MinCallsPerSecond} and {MaxCallsPerSecond}; it was {all}.");
        }

        foreach (var (name, limit) in change.Endpoints ?? new Dictionary<string, int>())
        {
            if (!ImCommandPaths.TryParse(name, out _))
            {
                errors.Add($"endpoints.{name} is not a command; use im_add_tag, im_remove_tag, im_remove_all_tags or im_get_tag.");
            }
            else if (!InRange(limit))
            {
                errors.Add($"endpoints.{name} must be between {MinCallsPerSecond} and {MaxCallsPerSecond}; it was {limit}.");
            }
        }

        return errors;
    }

    private static bool InRange(int value) => value is >= MinCallsPerSecond and <= MaxCallsPerSecond;
}
