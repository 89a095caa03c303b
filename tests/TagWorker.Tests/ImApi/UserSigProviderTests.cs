using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class UserSigProviderTests
{
    private const string Secret = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly UserSigProvider _provider;

    public UserSigProviderTests()
    {
        var options = new ImApiOptions
        {
            BaseUrl = new Uri("http://127.0.0.1/"),
            SdkAppId = 1400000000,
            AdminIdentifier = "administrator",
            SecretKey = Secret,
            UserSigLifetime = TimeSpan.FromHours(2),
            UserSigRenewBefore = TimeSpan.FromMinutes(30),
        };
        _provider = new UserSigProvider(Options.Create(options), _time, NullLogger<UserSigProvider>.Instance);
    }

    private static UserSigDocument Decode(string userSig)
    {
        Assert.True(UserSigDecoder.TryDecode(userSig, out var document));
        return document;
    }

    [Fact]
    public void GetUserSig_First_IsValidForAdminAtNow()
    {
        var userSig = _provider.GetUserSig();

        Assert.True(UserSigVerifier.Verify(userSig, 1400000000, "administrator", Secret, _time.GetUtcNow()).IsValid);
        Assert.Equal(Start.ToUnixTimeSeconds(), Decode(userSig).Time);
        Assert.Equal(7200, Decode(userSig).Expire);
    }

    [Fact]
    public void GetUserSig_BeforeRenewalPoint_ReturnsCachedSig()
    {
        var first = _provider.GetUserSig();
        _time.Advance(TimeSpan.FromMinutes(90) - TimeSpan.FromTicks(1));

        Assert.Same(first, _provider.GetUserSig());
    }

    [Fact]
    public void GetUserSig_AtRenewalPoint_IssuesNewSigFromNow()
    {
        var first = _provider.GetUserSig();
        _time.Advance(TimeSpan.FromMinutes(90));

        var second = _provider.GetUserSig();

        Assert.NotEqual(first, second);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), Decode(second).Time);
    }

    [Fact]
    public void GetUserSig_SubSecondStart_RenewsFromTruncatedIssueTime()
    {
        _time.Advance(TimeSpan.FromMilliseconds(900));
        var first = _provider.GetUserSig();

        // The sig says it started at Start (whole seconds), so renewal is due 90 minutes after Start, not after Start+0.9 s.
        _time.SetUtcNow(Start + TimeSpan.FromMinutes(90));

        Assert.NotEqual(first, _provider.GetUserSig());
    }

    [Fact]
    public void Invalidate_AfterIssue_NextCallIssuesNewSig()
    {
        var first = _provider.GetUserSig();
        _time.Advance(TimeSpan.FromSeconds(1));

        _provider.Invalidate();

        Assert.NotSame(first, _provider.GetUserSig());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), Decode(_provider.GetUserSig()).Time);
    }

    [Fact]
    public async Task GetUserSig_ConcurrentCallers_AllGetTheSameSig()
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() =>
            {
                start.Wait(TestContext.Current.CancellationToken);
                return _provider.GetUserSig();
            }))
            .ToArray();

        start.Set();
        var sigs = await Task.WhenAll(tasks);

        // One issue shared by all: the same instance, not merely an equal string issued several times.
        Assert.Single(sigs.Distinct(ReferenceEqualityComparer.Instance));
    }
}
