using System.Globalization;
using Microsoft.Extensions.Configuration;
using TagWorker.ImSimulator;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// The storm of issues 8 and 9: 20% 91000, 5% HTTP 502, 2% dropped connections (27% transient faults), a little
/// latency so calls overlap, and lost responses (the change is applied, then the connection drops).
/// </summary>
/// <remarks>
/// The faults are bound from <c>Simulator:Faults:*</c> keys, as an operator would set them, with unknown keys an
/// error: a key the simulator does not have yet fails loudly instead of silently testing less.
/// </remarks>
internal static class StormFaults
{
    /// <summary>
    /// <c>Simulator:Faults:LostResponseRate</c> (issue 9 item 5) is not on main yet. Set this to true once it is
    /// merged; until then binding the key would fail, so the storm runs without lost responses.
    /// </summary>
    public const bool LostResponses = false;

    /// <summary>The rate of lost responses when <see cref="LostResponses"/> is on.</summary>
    public const double LostResponseRate = 0.02;

    public static FaultOptions Create(int seed, bool lostResponses = LostResponses) => Bind(Keys(seed, lostResponses));

    /// <summary>The storm as <c>Simulator:Faults</c> keys (without the section prefix).</summary>
    public static Dictionary<string, string?> Keys(int seed, bool lostResponses = LostResponses)
    {
        var keys = new Dictionary<string, string?>
        {
            ["ErrorRate91000"] = "0.20",
            ["Http502Rate"] = "0.05",
            ["DropConnectionRate"] = "0.02",
            ["Latency"] = "00:00:00.003",
            ["LatencyJitter"] = "00:00:00.003",
            ["Seed"] = seed.ToString(CultureInfo.InvariantCulture),
        };
        if (lostResponses)
        {
            keys["LostResponseRate"] = LostResponseRate.ToString(CultureInfo.InvariantCulture);
        }

        return keys;
    }

    /// <exception cref="InvalidOperationException">A key is not a property of <see cref="FaultOptions"/>.</exception>
    public static FaultOptions Bind(IReadOnlyDictionary<string, string?> keys) =>
        new ConfigurationBuilder().AddInMemoryCollection(keys).Build()
            .Get<FaultOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new FaultOptions();
}
