using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Api;

/// <summary>A call's body as a <see cref="TagRequest"/>, or the failure to answer instead.</summary>
internal readonly record struct ParsedCall(TagRequest? Request, ImResponse? Failure)
{
    public static ParsedCall Valid(TagRequest request) => new(request, null);

    public static ParsedCall Invalid(int errorCode, string errorInfo) => new(null, ImResponse.Fail(errorCode, errorInfo));
}
