using System.Globalization;
using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Api;

/// <summary>
/// Checks a call's query string the way the vendor documents it, in this order (the first failure answers):
/// <c>sdkappid</c> present (60012) and the configured app (60006); <c>identifier</c> present (60004); <c>usersig</c>
/// valid for that identifier, app and key now (<see cref="UserSigVerifier"/>: 70002, 70003, 70013, 70014, 70009, 70001);
/// <c>identifier</c> the app administrator (90009); <c>random</c> a 32-bit unsigned integer (60002);
/// <c>contenttype</c> exactly <c>json</c> (60002).
/// </summary>
internal sealed class RequestAuthenticator(long sdkAppId, string adminIdentifier, string secretKey, TimeProvider timeProvider)
{
    /// <summary>The failure to answer, or null when the call may proceed.</summary>
    public ImResponse? Check(IQueryCollection query)
    {
        var sdkAppIdText = query[QueryParameters.SdkAppId].ToString();
        if (sdkAppIdText.Length == 0)
        {
            return ImResponse.Fail(SimulatorErrorCodes.SdkAppIdMissing, "The REST call needs an sdkappid.");
        }

        if (!long.TryParse(sdkAppIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var requestAppId) || requestAppId != sdkAppId)
        {
            return ImResponse.Fail(ImErrorCodes.SdkAppIdInvalid, "The SDKAppID is invalid; check that it is the app's SDKAppID.");
        }

        var identifier = query[QueryParameters.Identifier].ToString();
        if (identifier.Length == 0)
        {
            return ImResponse.Fail(SimulatorErrorCodes.AccountOrSignatureError, "The request URL has no identifier.");
        }

        var verification = UserSigVerifier.Verify(
            query[QueryParameters.UserSig].ToString(), requestAppId, identifier, secretKey, timeProvider.GetUtcNow());
        if (!verification.IsValid)
        {
            return ImResponse.Fail(verification.ErrorCode, verification.Reason);
        }

        if (!string.Equals(identifier, adminIdentifier, StringComparison.Ordinal))
        {
            return ImResponse.Fail(ImErrorCodes.AdministratorRequired, "The request needs an app administrator.");
        }

        if (!uint.TryParse(query[QueryParameters.Random].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return ImResponse.Fail(SimulatorErrorCodes.HttpParseError, "random must be a 32-bit unsigned integer.");
        }

        if (!string.Equals(query[QueryParameters.ContentType].ToString(), QueryParameters.JsonContentType, StringComparison.Ordinal))
        {
            return ImResponse.Fail(SimulatorErrorCodes.HttpParseError, "contenttype must be json.");
        }

        return null;
    }
}
