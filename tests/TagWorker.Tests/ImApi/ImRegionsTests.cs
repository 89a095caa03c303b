using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class ImRegionsTests
{
    [Theory]
    [InlineData(ImRegion.China, "console.tim.qq.com", "adminapi.my-imcloud.com")]
    [InlineData(ImRegion.Singapore, "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com")]
    [InlineData(ImRegion.Seoul, "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com")]
    [InlineData(ImRegion.Tokyo, "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com")]
    [InlineData(ImRegion.Frankfurt, "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com")]
    [InlineData(ImRegion.SiliconValley, "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com")]
    [InlineData(ImRegion.Jakarta, "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com")]
    [InlineData(ImRegion.Mumbai, "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com")]
    public void Domain_EachRegion_MatchesSpecTable(ImRegion region, string domain, string backup)
    {
        Assert.Equal(domain, ImRegions.Domain(region));
        Assert.Equal(backup, ImRegions.BackupDomain(region));
        Assert.Equal(new Uri("https://" + domain + "/"), ImRegions.BaseAddress(region));
    }

    [Fact]
    public void Domain_EveryDefinedRegion_HasAnEntry() =>
        Assert.All(Enum.GetValues<ImRegion>(), region => Assert.NotEmpty(ImRegions.Domain(region)));
}
