namespace TagWorker.ImSimulator.Api;

/// <summary>The query parameter names every user-tag call carries.</summary>
internal static class QueryParameters
{
    public const string SdkAppId = "sdkappid";
    public const string Identifier = "identifier";
    public const string UserSig = "usersig";
    public const string Random = "random";
    public const string ContentType = "contenttype";

    /// <summary>The only accepted <c>contenttype</c> ("固定值为：json").</summary>
    public const string JsonContentType = "json";
}
