namespace TagWorker.ImApi;

/// <summary>Values of a response's <c>ActionStatus</c>.</summary>
public static class ImActionStatus
{
    /// <summary>The request was processed (<c>ErrorCode</c> 0).</summary>
    public const string Ok = "OK";

    /// <summary>The request failed; <c>ErrorCode</c> and <c>ErrorInfo</c> say why.</summary>
    public const string Fail = "FAIL";
}
