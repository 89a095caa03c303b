using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TagWorker.ImApi;

/// <summary>
/// Checks a TLSSigAPIv2 UserSig the way the IM service does (used by the simulator and by tests). The checks run
/// in the order: empty (70002), decodable (70003), identifier (70013), SDKAppID (70014), HMAC (70009), expiry (70001):
/// the HMAC before the expiry so that a forged signature is never reported as merely expired.
/// </summary>
public static class UserSigVerifier
{
    /// <summary>Verifies <paramref name="userSig"/> for the app, identifier and key at <paramref name="now"/>; valid while <c>time + expire</c> is after <paramref name="now"/>.</summary>
    public static UserSigVerification Verify(string userSig, long sdkAppId, string identifier, string secretKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(secretKey);
        if (string.IsNullOrEmpty(userSig))
        {
            return UserSigVerification.Invalid(ImErrorCodes.UserSigEmpty, "The UserSig is empty.");
        }

        if (!UserSigDecoder.TryDecode(userSig, out var document))
        {
            return UserSigVerification.Invalid(ImErrorCodes.UserSigCheckFailed, "The UserSig could not be decoded.");
        }

        if (!string.Equals(document.Identifier, identifier, StringComparison.Ordinal))
        {
            return UserSigVerification.Invalid(ImErrorCodes.UserSigIdentifierMismatch, "The UserSig was issued for another identifier.");
        }

        if (document.SdkAppId != sdkAppId)
        {
            return UserSigVerification.Invalid(
                ImErrorCodes.UserSigSdkAppIdMismatch,
                string.Create(CultureInfo.InvariantCulture, $"The UserSig was issued for SDKAppID {document.SdkAppId}, not {sdkAppId}."));
        }

        var expected = UserSigGenerator.ComputeSignature(document.Identifier, document.SdkAppId, document.Time, document.Expire, secretKey);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(document.Signature)))
        {
            return UserSigVerification.Invalid(ImErrorCodes.UserSigKeyMismatch, "The UserSig does not match the SDKAppID's key.");
        }

        if (document.Time + document.Expire <= now.ToUnixTimeSeconds())
        {
            return UserSigVerification.Invalid(
                ImErrorCodes.UserSigExpired,
                string.Create(CultureInfo.InvariantCulture, $"The UserSig expired at {document.ExpiresAt:O}."));
        }

        return UserSigVerification.Valid;
    }
}
