namespace TagWorker.ImApi;

/// <summary>
/// The <c>ErrorCode</c> values of the user-tag API that the worker tells apart (source: spec/im-tag-api.md and the
/// vendor pages beside it; docs/im-error-codes.md lists them with their handling).
/// </summary>
public static class ImErrorCodes
{
    /// <summary>0: the request was applied.</summary>
    public const int Success = 0;

    // Endpoint codes (all_member_push).

    /// <summary>90001: the JSON body could not be parsed.</summary>
    public const int InvalidJson = 90001;

    /// <summary>90009: the request needs an app administrator.</summary>
    public const int AdministratorRequired = 90009;

    /// <summary>90018: too many accounts in the request.</summary>
    public const int TooManyAccounts = 90018;

    /// <summary>90020: a tag is longer than 50 bytes.</summary>
    public const int TagTooLong = 90020;

    /// <summary>90032: more than 10 tags for one user in one add request.</summary>
    public const int TooManyTagsPerUser = 90032;

    /// <summary>91000: internal error of the push service; retry.</summary>
    public const int InternalError = 91000;

    // Common REST codes: frequency limits.

    /// <summary>60007: REST call frequency exceeded.</summary>
    public const int RestFrequencyExceeded = 60007;

    /// <summary>60011: SDKAppID request frequency exceeded.</summary>
    public const int SdkAppIdFrequencyExceeded = 60011;

    /// <summary>60018: requests too frequent, retry later.</summary>
    public const int RequestsTooFrequent = 60018;

    /// <summary>60019: requests too frequent, retry later (second variant).</summary>
    public const int RequestsTooFrequentRetryLater = 60019;

    /// <summary>70050: too many failed UserSig checks; wait a minute.</summary>
    public const int TooManyUserSigFailures = 70050;

    // Common REST codes: retryable server faults.

    /// <summary>60008: service timeout.</summary>
    public const int ServiceTimeout = 60008;

    /// <summary>70169: internal timeout.</summary>
    public const int InternalTimeout = 70169;

    /// <summary>70500: internal server error.</summary>
    public const int InternalServerError = 70500;

    // Common REST codes: UserSig expired or invalid.

    /// <summary>70001: the UserSig has expired.</summary>
    public const int UserSigExpired = 70001;

    /// <summary>70002: the UserSig is empty.</summary>
    public const int UserSigEmpty = 70002;

    /// <summary>70003: the UserSig check failed (cannot be decoded or is malformed).</summary>
    public const int UserSigCheckFailed = 70003;

    /// <summary>70005: the UserSig check failed (second variant).</summary>
    public const int UserSigCheckFailedAlternate = 70005;

    /// <summary>70009: the UserSig does not match the key or SDKAppID (wrong secret key).</summary>
    public const int UserSigKeyMismatch = 70009;

    /// <summary>70013: the UserSig's identifier does not match the request's <c>identifier</c>.</summary>
    public const int UserSigIdentifierMismatch = 70013;

    /// <summary>70014: the UserSig's SDKAppID does not match the request's <c>sdkappid</c>.</summary>
    public const int UserSigSdkAppIdMismatch = 70014;

    /// <summary>70016: no key was found for the SDKAppID.</summary>
    public const int UserSigKeyNotFound = 70016;

    /// <summary>70020: the SDKAppID was not found.</summary>
    public const int SdkAppIdNotFound = 70020;

    /// <summary>70052: the UserSig is no longer valid (revoked).</summary>
    public const int UserSigNoLongerValid = 70052;

    /// <summary>Lowest code of the vendor's UserSig range (70001–70052).</summary>
    public const int UserSigRangeFirst = 70001;

    /// <summary>Highest code of the vendor's UserSig range (70001–70052).</summary>
    public const int UserSigRangeLast = 70052;

    // Common REST codes: configuration faults.

    /// <summary>60006: the SDKAppID is invalid.</summary>
    public const int SdkAppIdInvalid = 60006;

    /// <summary>60010: the identifier is not an app administrator.</summary>
    public const int NotAppAdministrator = 60010;

    /// <summary>60016: the SDKAppID is disabled.</summary>
    public const int SdkAppIdDisabled = 60016;

    /// <summary>60017: the request is disabled.</summary>
    public const int RequestDisabled = 60017;

    /// <summary>60020: the package has expired or is inactive.</summary>
    public const int PackageExpired = 60020;

    /// <summary>60021: the caller's IP address is not allowed.</summary>
    public const int CallerIpNotAllowed = 60021;
}
