using System.Text.Json.Serialization;

namespace TagWorker.Sources;

/// <summary>
/// One user whose change in a dead-lettered message failed for good: the account, the vendor's error code and
/// text, and the dead-letter reason that applies to it. Stored with the dead letter as JSON
/// (<see cref="FailedUsersJson"/>), so that a replay can re-send just these users.
/// </summary>
public sealed record FailedUser(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("errorInfo")] string? ErrorInfo);
