namespace TagWorker.ImSimulator;

/// <summary>
/// A run-time change of the frequency limits (the body of <c>PUT /_sim/limits</c>), e.g. to squeeze the API and watch a
/// client adapt. <see cref="CallsPerSecond"/> sets every endpoint; <see cref="Endpoints"/> sets the named ones (after
/// <see cref="CallsPerSecond"/> when both are given). At least one must be present; each value is 1–100000 and each
/// name a known command. Examples: <c>{"callsPerSecond":60}</c>, <c>{"endpoints":{"im_add_tag":60}}</c>.
/// </summary>
public sealed record SimulatorLimitsChange(int? CallsPerSecond = null, IReadOnlyDictionary<string, int>? Endpoints = null);
