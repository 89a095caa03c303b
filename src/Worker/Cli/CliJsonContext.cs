using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TagWorker.Cli;

/// <summary>
/// Source-generated JSON for the verbs' <c>--json</c> lines. Null members are written, not left out: a
/// <c>failedUsers</c> of null means "the whole message failed", which tools must be able to tell from a missing field.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(UserTagsLine))]
[JsonSerializable(typeof(DeadLetterLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the verbs print with: non-ASCII accounts and tags stay readable (the lines go to a terminal or a
    /// tool, never into HTML, which is all the default escaping protects against); control characters are still escaped.
    /// </summary>
    public static CliJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>One line of <c>tags get --json</c>.</summary>
internal sealed record UserTagsLine(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

/// <summary>
/// One line of <c>deadletters list --json</c>. Outside tools read these names: keep them. <c>op</c>,
/// <c>userCount</c> and <c>eventId</c> come from the body and are null when it is not a valid event (then
/// <c>bodyError</c> says why); <c>failedUsers</c> is null when the whole message failed.
/// </summary>
internal sealed record DeadLetterLine(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("eventId")] string? EventId,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("deliveryCount")] int DeliveryCount,
    [property: JsonPropertyName("enqueuedAt")] DateTime EnqueuedAt,
    [property: JsonPropertyName("deadLetteredAt")] DateTime DeadLetteredAt,
    [property: JsonPropertyName("op")] string? Op,
    [property: JsonPropertyName("userCount")] int? UserCount,
    [property: JsonPropertyName("failedUsers")] IReadOnlyList<string>? FailedUsers,
    [property: JsonPropertyName("sessionId")] string? SessionId,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("bodyError")] string? BodyError);
