using System.Text.Json.Serialization;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// The v1 body exactly as it travels. Every field is nullable and <c>op</c>/<c>occurredAt</c> stay strings so that a
/// missing or unknown value becomes a specific validation error instead of a serializer exception.
/// </summary>
internal sealed class TagChangeEventJson
{
    [JsonPropertyName(WireNames.Version)]
    public int? Version { get; init; }

    [JsonPropertyName(WireNames.EventId)]
    public string? EventId { get; init; }

    [JsonPropertyName(WireNames.OccurredAt)]
    public string? OccurredAt { get; init; }

    [JsonPropertyName(WireNames.Op)]
    public string? Op { get; init; }

    [JsonPropertyName(WireNames.Users)]
    public IReadOnlyList<string?>? Users { get; init; }

    [JsonPropertyName(WireNames.Tags)]
    public IReadOnlyList<string?>? Tags { get; init; }

    [JsonPropertyName(WireNames.ReplayOf)]
    public string? ReplayOf { get; init; }
}
