namespace TagWorker.ImApi;

/// <summary>The result of <see cref="UserSigVerifier.Verify"/>.</summary>
/// <param name="IsValid">Whether the signature is valid for the app, identifier, key and time.</param>
/// <param name="ErrorCode">0 when valid, otherwise the vendor's signature code (70001 expired, 70002 empty, 70003 undecodable, 70009 wrong key, 70013 identifier mismatch, 70014 SDKAppID mismatch).</param>
/// <param name="Reason">Why it failed (never contains the key or the signature); empty when valid.</param>
public sealed record UserSigVerification(bool IsValid, int ErrorCode, string Reason)
{
    /// <summary>A valid signature.</summary>
    public static UserSigVerification Valid { get; } = new(true, ImErrorCodes.Success, string.Empty);

    /// <summary>A failed check with the vendor's code and a reason.</summary>
    public static UserSigVerification Invalid(int errorCode, string reason) => new(false, errorCode, reason);
}
