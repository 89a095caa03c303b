namespace TagWorker.ImApi;

/// <summary>Log messages of the IM API client (event ids 3000–3099). Never carries the secret key, the UserSig or a request URL.</summary>
internal static partial class ImApiLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Issued a UserSig for {AdminIdentifier}, valid until {ExpiresAt:O}")]
    public static partial void UserSigIssued(ILogger logger, string adminIdentifier, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Dropped the UserSig of {AdminIdentifier}; the next call issues a new one")]
    public static partial void UserSigInvalidated(ILogger logger, string adminIdentifier);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users answered {ErrorCode} ({Outcome}) with HTTP {HttpStatus}")]
    public static partial void CallAnswered(ILogger logger, string command, int userCount, int errorCode, ImOutcomeKind outcome, int httpStatus);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users failed: {ErrorCode} ({Outcome}) {ErrorInfo}")]
    public static partial void CallFailed(ILogger logger, string command, int userCount, int errorCode, ImOutcomeKind outcome, string errorInfo);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users timed out after {Timeout}")]
    public static partial void CallTimedOut(ILogger logger, string command, int userCount, TimeSpan timeout);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users lost its connection")]
    public static partial void CallConnectionFailed(ILogger logger, string command, int userCount, Exception exception);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users got HTTP {HttpStatus}")]
    public static partial void CallServerError(ILogger logger, string command, int userCount, int httpStatus);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Debug, Message = "{Command} for {UserCount} users got an unreadable body with HTTP {HttpStatus}: {Description}")]
    public static partial void CallUnreadableBody(ILogger logger, string command, int userCount, int httpStatus, string description);
}
