using System.Text.Json;
using System.Text.Json.Serialization;

namespace TagWorker.Sources;

/// <summary>
/// The machine-readable failed-users list of a dead letter: a JSON array of
/// <c>{"user":"u1","code":90032,"reason":"Rejected","errorInfo":"…"}</c>, the same in the local queue's column and in
/// the Service Bus application property <see cref="PropertyName"/>. Null (no property, SQL NULL) means the whole
/// message failed.
/// </summary>
public static class FailedUsersJson
{
    /// <summary>The Service Bus application property (and local queue column) that carries the list.</summary>
    public const string PropertyName = "failedUsers";

    /// <summary>The Service Bus application property (and local queue column) with the last transient error of an abandoned delivery.</summary>
    public const string LastErrorPropertyName = "lastError";

    public static string? Serialize(IReadOnlyList<FailedUser>? users) =>
        users is null ? null : JsonSerializer.Serialize(users as FailedUser[] ?? [.. users], FailedUsersJsonContext.Default.FailedUserArray);

    /// <summary>Reads a list written by <see cref="Serialize"/>; null for null or blank text.</summary>
    /// <exception cref="JsonException">The text is not such a list.</exception>
    public static IReadOnlyList<FailedUser>? Deserialize(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize(json, FailedUsersJsonContext.Default.FailedUserArray);
}

[JsonSerializable(typeof(FailedUser[]))]
internal sealed partial class FailedUsersJsonContext : JsonSerializerContext;
