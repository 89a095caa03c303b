using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>Body of <c>im_add_tag</c> and <c>im_remove_tag</c>: <c>{"UserTags":[{"To_Account":"u1","Tags":["a"]}]}</c> (≤100 users, ≤10 tags a user for add).</summary>
/// <param name="UserTags">The users and their tags, each user at most once.</param>
public sealed record TagRequestBody(
    [property: JsonPropertyName("UserTags")] IReadOnlyList<UserTags> UserTags);
