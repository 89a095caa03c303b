namespace TagWorker.ImApi;

/// <summary>Maps a response body's <c>ErrorCode</c> to an <see cref="ImOutcomeKind"/> (the error-policy table in DESIGN.md).</summary>
public static class ImErrorClassifier
{
    /// <summary>
    /// Classifies <paramref name="errorCode"/>. Codes the spec does not name are <see cref="ImOutcomeKind.Rejected"/>,
    /// except those in the vendor's UserSig range 70001–70052, which are <see cref="ImOutcomeKind.SignatureFault"/>
    /// (the design treats the whole range as signature codes, and renewing then stopping is safer than dead-lettering).
    /// </summary>
    public static ImOutcomeKind Classify(int errorCode) => errorCode switch
    {
        ImErrorCodes.Success => ImOutcomeKind.Success,

        ImErrorCodes.InternalError
            or ImErrorCodes.ServiceTimeout
            or ImErrorCodes.InternalTimeout
            or ImErrorCodes.InternalServerError => ImOutcomeKind.Retryable,

        ImErrorCodes.RestFrequencyExceeded
            or ImErrorCodes.SdkAppIdFrequencyExceeded
            or ImErrorCodes.RequestsTooFrequent
            or ImErrorCodes.RequestsTooFrequentRetryLater
            or ImErrorCodes.TooManyUserSigFailures => ImOutcomeKind.RateLimited,

        ImErrorCodes.AdministratorRequired
            or ImErrorCodes.SdkAppIdInvalid
            or ImErrorCodes.NotAppAdministrator
            or ImErrorCodes.SdkAppIdDisabled
            or ImErrorCodes.RequestDisabled
            or ImErrorCodes.PackageExpired
            or ImErrorCodes.CallerIpNotAllowed => ImOutcomeKind.ConfigurationFault,

        ImErrorCodes.TooManyAccounts => ImOutcomeKind.RequestTooLarge,

        >= ImErrorCodes.UserSigRangeFirst and <= ImErrorCodes.UserSigRangeLast => ImOutcomeKind.SignatureFault,

        _ => ImOutcomeKind.Rejected,
    };
}
