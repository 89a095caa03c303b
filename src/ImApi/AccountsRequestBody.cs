using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>Body of <c>im_remove_all_tags</c> and <c>im_get_tag</c>: <c>{"To_Account":["u1","u2"]}</c> (≤100 accounts).</summary>
/// <param name="Accounts">The accounts (<c>To_Account</c>).</param>
public sealed record AccountsRequestBody(
    [property: JsonPropertyName("To_Account")] IReadOnlyList<string> Accounts);
