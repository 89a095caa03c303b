using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>
/// Source-generated System.Text.Json metadata for the wire types. Property names are exactly the vendor's
/// (<c>UserTags</c>, <c>To_Account</c>, <c>Tags</c>, <c>ActionStatus</c>, <c>ErrorInfo</c>, <c>ErrorCode</c>); nothing is
/// omitted, so <c>"ErrorInfo":""</c> is written as documented. Output is compact (no indentation).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(TagRequestBody))]
[JsonSerializable(typeof(AccountsRequestBody))]
[JsonSerializable(typeof(ImResponse))]
[JsonSerializable(typeof(GetTagResponse))]
public sealed partial class ImApiJsonContext : JsonSerializerContext;
