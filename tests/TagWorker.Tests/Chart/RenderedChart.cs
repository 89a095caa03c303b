using System.Text.Json;

namespace TagWorker.Tests.Chart;

/// <summary>The manifests one render produced (as the validator parsed them), with lookups the tests need.</summary>
public sealed class RenderedChart(IReadOnlyList<JsonElement> documents)
{
    public IReadOnlyList<JsonElement> Documents { get; } = documents;

    public IEnumerable<string> Kinds => Documents.Select(d => d.GetProperty("kind").GetString()!);

    public JsonElement? Find(string kind) => Documents.Where(d => d.GetProperty("kind").GetString() == kind).Cast<JsonElement?>().SingleOrDefault();

    public JsonElement Only(string kind) => Find(kind) ?? throw new Xunit.Sdk.XunitException($"no {kind} rendered; got {string.Join(", ", Kinds)}");

    /// <summary>The ConfigMap's settings (the worker's environment).</summary>
    public IReadOnlyDictionary<string, string> Settings =>
        Only("ConfigMap").GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    /// <summary>The worker container.</summary>
    public JsonElement Container =>
        Only("StatefulSet").GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];

    /// <summary>The container's env entries by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Env =>
        Container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e);
}
