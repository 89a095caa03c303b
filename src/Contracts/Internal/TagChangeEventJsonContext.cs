using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// Source-generated (reflection-free) JSON for <see cref="TagChangeEventJson"/>. Duplicate contract fields are
/// rejected because which one wins differs between JSON libraries, so publishers and worker could disagree.
/// </summary>
[JsonSourceGenerationOptions(
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TagChangeEventJson))]
internal sealed partial class TagChangeEventJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context publishers write with: same settings, but non-ASCII tags and accounts stay readable in the queue
    /// (the body never ends up in HTML, which is all the stricter default escaping protects against).
    /// </summary>
    public static TagChangeEventJsonContext Writer { get; } = new(new JsonSerializerOptions
    {
        AllowDuplicateProperties = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
