namespace TagWorker.Dispatch;

/// <summary>Where the rate budget lives (<c>RateLimit:Mode</c>).</summary>
public enum RateLimitMode
{
    /// <summary>In this process: <c>ImApi:RequestsPerSecond</c> is this process's budget per endpoint (the default).</summary>
    Local,

    /// <summary>In Redis, shared by every process of the app: <c>ImApi:RequestsPerSecond</c> is the app's budget per endpoint.</summary>
    Redis,
}
