using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class UserSigGeneratorTests
{
    // The check value of spec/im-tag-api.md.
    private const long SdkAppId = 1400000000;
    private const string Identifier = "xiaojun";
    private const string SecretKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private const long Time = 1569910200;
    private const long Expire = 15552000;
    private const string ExpectedSig = "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=";

    [Fact]
    public void ComputeSignature_SpecCheckValue_MatchesDocumentedSig() =>
        Assert.Equal(ExpectedSig, UserSigGenerator.ComputeSignature(Identifier, SdkAppId, Time, Expire, SecretKey));

    [Fact]
    public void Generate_SpecCheckValue_DecodesToDocumentedFields()
    {
        var userSig = UserSigGenerator.Generate(SdkAppId, Identifier, SecretKey, DateTimeOffset.FromUnixTimeSeconds(Time), TimeSpan.FromSeconds(Expire));

        Assert.True(UserSigDecoder.TryDecode(userSig, out var document));
        Assert.Equal(new UserSigDocument("2.0", Identifier, SdkAppId, Time, Expire, ExpectedSig), document);
    }

    [Fact]
    public void Generate_AnyInput_DecodedHmacRecomputesFromContent()
    {
        var issuedAt = new DateTimeOffset(2026, 11, 25, 10, 0, 0, 500, TimeSpan.Zero);

        var userSig = UserSigGenerator.Generate(1400012345, "administrator", "another-key", issuedAt, TimeSpan.FromHours(3));

        Assert.True(UserSigDecoder.TryDecode(userSig, out var document));
        Assert.Equal(issuedAt.ToUnixTimeSeconds(), document.Time);
        Assert.Equal(3 * 3600, document.Expire);
        Assert.Equal(
            UserSigGenerator.ComputeSignature(document.Identifier, document.SdkAppId, document.Time, document.Expire, "another-key"),
            document.Signature);
    }

    [Fact]
    public void Generate_AnyInput_UsesOnlyUrlSafeAlphabet()
    {
        // Several keys, so that the standard base64 of at least one contains '+', '/' or '='.
        for (var i = 0; i < 32; i++)
        {
            var userSig = UserSigGenerator.Generate(SdkAppId, Identifier, "key" + i, DateTimeOffset.FromUnixTimeSeconds(Time + i), TimeSpan.FromDays(1));

            Assert.DoesNotContain('+', userSig);
            Assert.DoesNotContain('/', userSig);
            Assert.DoesNotContain('=', userSig);
        }
    }

    [Fact]
    public void Generate_LifetimeUnderOneSecond_ThrowsWithoutSecret()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            UserSigGenerator.Generate(SdkAppId, Identifier, SecretKey, DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(500)));

        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AAAA")]
    public void TryDecode_NotAUserSig_ReturnsFalse(string userSig) =>
        Assert.False(UserSigDecoder.TryDecode(userSig, out _));
}
