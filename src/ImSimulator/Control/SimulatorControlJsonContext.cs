using System.Text.Json.Serialization;

namespace TagWorker.ImSimulator.Control;

/// <summary>
/// Source-generated JSON of the <c>/_sim/*</c> control endpoints: camelCase properties, dictionary keys as stored,
/// durations as <c>"hh:mm:ss.fff"</c>, property names read case-insensitively.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SimulatorStateResponse))]
[JsonSerializable(typeof(SimulatorStats))]
[JsonSerializable(typeof(FaultOptions))]
[JsonSerializable(typeof(ValidationErrorResponse))]
[JsonSerializable(typeof(SimulatorLimits))]
[JsonSerializable(typeof(SimulatorLimitsChange))]
internal sealed partial class SimulatorControlJsonContext : JsonSerializerContext;
