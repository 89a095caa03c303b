namespace TagWorker.ImSimulator;

/// <summary>
/// Each endpoint's frequency limit now: accepted calls in any sliding one-second window, keyed by command name
/// (<c>im_add_tag</c>, <c>im_remove_tag</c>, <c>im_remove_all_tags</c>, <c>im_get_tag</c>; all four are always present).
/// The body of <c>GET /_sim/limits</c> and of the answer to <c>PUT /_sim/limits</c>: <c>{"endpoints":{"im_add_tag":100,…}}</c>.
/// </summary>
public sealed record SimulatorLimits(IReadOnlyDictionary<string, int> Endpoints);
