using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>One user's entry in an <c>im_add_tag</c> / <c>im_remove_tag</c> body; for <c>im_remove_all_tags</c> only the account is sent.</summary>
/// <param name="Account">The IM account (<c>To_Account</c>).</param>
/// <param name="Tags">The tags of this entry (≤10 in one add request); empty for remove-all.</param>
public sealed record UserTags(
    [property: JsonPropertyName("To_Account")] string Account,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string> Tags);
