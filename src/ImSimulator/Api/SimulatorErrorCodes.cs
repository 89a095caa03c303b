namespace TagWorker.ImSimulator.Api;

/// <summary>
/// Common REST codes (vendor page "REST API 公共错误码") the simulator answers for malformed URLs, which the worker's
/// <see cref="ImApi.ImErrorCodes"/> does not need to name.
/// </summary>
internal static class SimulatorErrorCodes
{
    /// <summary>60002: HTTP parse error; check the request URL format. Used for a bad <c>random</c> or <c>contenttype</c>.</summary>
    public const int HttpParseError = 60002;

    /// <summary>60004: account or signature error in the request URL. Used for a missing <c>identifier</c>.</summary>
    public const int AccountOrSignatureError = 60004;

    /// <summary>60009: request resource error; check the request URL. Used for an unknown command.</summary>
    public const int UnknownResource = 60009;

    /// <summary>60012: the REST call needs an SDKAppID. Used for a missing <c>sdkappid</c>.</summary>
    public const int SdkAppIdMissing = 60012;
}
