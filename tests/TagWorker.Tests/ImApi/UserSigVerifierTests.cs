using System.IO.Compression;
using System.Text;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class UserSigVerifierTests
{
    private const long SdkAppId = 1400000000;
    private const string Identifier = "administrator";
    private const string SecretKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static readonly DateTimeOffset IssuedAt = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private static string Envelope(string document)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal))
        {
            zlib.Write(Encoding.UTF8.GetBytes(document));
        }

        return Convert.ToBase64String(compressed.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_');
    }

    private static string NewSig() => UserSigGenerator.Generate(SdkAppId, Identifier, SecretKey, IssuedAt, Lifetime);

    [Fact]
    public void Verify_FreshSig_IsValid()
    {
        var result = UserSigVerifier.Verify(NewSig(), SdkAppId, Identifier, SecretKey, IssuedAt.AddHours(1));

        Assert.Equal(UserSigVerification.Valid, result);
    }

    [Fact]
    public void Verify_SpecCheckValueBeforeExpiry_IsValid()
    {
        var userSig = UserSigGenerator.Generate(1400000000, "xiaojun", SecretKey, DateTimeOffset.FromUnixTimeSeconds(1569910200), TimeSpan.FromSeconds(15552000));

        Assert.True(UserSigVerifier.Verify(userSig, 1400000000, "xiaojun", SecretKey, DateTimeOffset.FromUnixTimeSeconds(1569910200 + 15551999)).IsValid);
    }

    [Fact]
    public void Verify_AtExpiry_Returns70001()
    {
        var result = UserSigVerifier.Verify(NewSig(), SdkAppId, Identifier, SecretKey, IssuedAt + Lifetime);

        Assert.False(result.IsValid);
        Assert.Equal(ImErrorCodes.UserSigExpired, result.ErrorCode);
    }

    [Fact]
    public void Verify_EmptySig_Returns70002() =>
        Assert.Equal(ImErrorCodes.UserSigEmpty, UserSigVerifier.Verify(string.Empty, SdkAppId, Identifier, SecretKey, IssuedAt).ErrorCode);

    [Theory]
    [InlineData("garbage!")]
    [InlineData("AAAAAAAA")]
    public void Verify_UndecodableSig_Returns70003(string userSig) =>
        Assert.Equal(ImErrorCodes.UserSigCheckFailed, UserSigVerifier.Verify(userSig, SdkAppId, Identifier, SecretKey, IssuedAt).ErrorCode);

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"administrator\"}")]
    public void Verify_ZlibOfWrongDocument_Returns70003(string document) =>
        Assert.Equal(ImErrorCodes.UserSigCheckFailed, UserSigVerifier.Verify(Envelope(document), SdkAppId, Identifier, SecretKey, IssuedAt).ErrorCode);

    [Fact]
    public void Verify_WrongKey_Returns70009WithoutEitherKey()
    {
        const string otherKey = "0000000000000000000000000000000000000000000000000000000000000000";

        var result = UserSigVerifier.Verify(NewSig(), SdkAppId, Identifier, otherKey, IssuedAt);

        Assert.Equal(ImErrorCodes.UserSigKeyMismatch, result.ErrorCode);
        Assert.DoesNotContain(SecretKey, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForgedSigAfterExpiry_Returns70009NotExpired() =>
        Assert.Equal(ImErrorCodes.UserSigKeyMismatch, UserSigVerifier.Verify(NewSig(), SdkAppId, Identifier, "other", IssuedAt.AddYears(1)).ErrorCode);

    [Fact]
    public void Verify_OtherIdentifier_Returns70013() =>
        Assert.Equal(ImErrorCodes.UserSigIdentifierMismatch, UserSigVerifier.Verify(NewSig(), SdkAppId, "someone", SecretKey, IssuedAt).ErrorCode);

    [Fact]
    public void Verify_OtherSdkAppId_Returns70014() =>
        Assert.Equal(ImErrorCodes.UserSigSdkAppIdMismatch, UserSigVerifier.Verify(NewSig(), SdkAppId + 1, Identifier, SecretKey, IssuedAt).ErrorCode);

    [Fact]
    public void Verify_TamperedDocument_Returns70009()
    {
        Assert.True(UserSigDecoder.TryDecode(NewSig(), out var document));
        var extended = UserSigGenerator.Encode(document with { Expire = document.Expire * 10 });

        Assert.Equal(ImErrorCodes.UserSigKeyMismatch, UserSigVerifier.Verify(extended, SdkAppId, Identifier, SecretKey, IssuedAt).ErrorCode);
    }
}
