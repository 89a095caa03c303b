using System.Text.Json.Serialization;

namespace TagWorker.ImApi;

/// <summary>
/// The response body of every user-tag endpoint: <c>{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}</c>.
/// The outcome is in the body; HTTP is 200 unless the network fails. <c>ErrorInfo</c> is always written, as <c>""</c>
/// on success, exactly as the vendor documents it.
/// </summary>
public record ImResponse
{
    /// <summary><see cref="ImActionStatus.Ok"/> or <see cref="ImActionStatus.Fail"/>.</summary>
    [JsonPropertyName("ActionStatus")]
    [JsonPropertyOrder(-3)]
    public string ActionStatus { get; init; } = ImActionStatus.Ok;

    /// <summary>Human-readable error text; empty on success.</summary>
    [JsonPropertyName("ErrorInfo")]
    [JsonPropertyOrder(-2)]
    public string ErrorInfo { get; init; } = string.Empty;

    /// <summary>
    /// 0 on success, otherwise one of <see cref="ImErrorCodes"/> (or a code this client does not know). Required when
    /// reading: a body without it must not pass for a success just because an int defaults to 0.
    /// </summary>
    [JsonPropertyName("ErrorCode")]
    [JsonRequired]
    [JsonPropertyOrder(-1)]
    public int ErrorCode { get; init; }

    /// <summary>A success body: <c>{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}</c>.</summary>
    public static ImResponse Ok() => new();

    /// <summary>A failure body with <see cref="ImActionStatus.Fail"/>, the code and its text.</summary>
    public static ImResponse Fail(int errorCode, string errorInfo) =>
        new() { ActionStatus = ImActionStatus.Fail, ErrorCode = errorCode, ErrorInfo = errorInfo };
}
