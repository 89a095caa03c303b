namespace TagWorker.ImApi;

/// <summary>The fields of a decoded TLSSigAPIv2 UserSig (the JSON document inside the compressed, base64 envelope).</summary>
/// <param name="Version">The <c>TLS.ver</c> field (<c>"2.0"</c>).</param>
/// <param name="Identifier">The account the signature is for (<c>TLS.identifier</c>).</param>
/// <param name="SdkAppId">The application (<c>TLS.sdkappid</c>).</param>
/// <param name="Time">Issue time, Unix seconds (<c>TLS.time</c>).</param>
/// <param name="Expire">Lifetime in seconds from <paramref name="Time"/> (<c>TLS.expire</c>).</param>
/// <param name="Signature">Standard base64 HMAC-SHA256 of the content string (<c>TLS.sig</c>).</param>
public sealed record UserSigDocument(string Version, string Identifier, long SdkAppId, long Time, long Expire, string Signature)
{
    /// <summary>When the signature stops being valid (<c>time + expire</c>).</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(Time + Expire);
}
