using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>
/// The response body of <c>im_get_tag</c>: the common fields plus
/// <c>"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]</c>, one entry per requested account.
/// </summary>
public sealed record GetTagResponse : ImResponse
{
    /// <summary>Each requested account with its tags; empty when the call failed.</summary>
    [JsonPropertyName("UserTags")]
    public IReadOnlyList<UserTags> UserTags { get; init; } = [];
}
