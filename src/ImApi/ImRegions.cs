namespace TagWorker.ImApi;

/// <summary>API host names per <see cref="ImRegion"/>: the primary domain and the backup under <c>my-imcloud.com</c> for DNS trouble.</summary>
public static class ImRegions
{
    /// <summary>The primary host name, e.g. <c>console.tim.qq.com</c> for <see cref="ImRegion.China"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined region.</exception>
    public static string Domain(ImRegion region) => region switch
    {
        ImRegion.China => "console.tim.qq.com",
        ImRegion.Singapore => "adminapisgp.im.qcloud.com",
        ImRegion.Seoul => "adminapikr.im.qcloud.com",
        ImRegion.Tokyo => "adminapijpn.im.qcloud.com",
        ImRegion.Frankfurt => "adminapiger.im.qcloud.com",
        ImRegion.SiliconValley => "adminapiusa.im.qcloud.com",
        ImRegion.Jakarta => "adminapiidn.im.qcloud.com",
        ImRegion.Mumbai => "adminapiind.im.qcloud.com",
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "Unknown IM region."),
    };

    /// <summary>The backup host name, e.g. <c>adminapi.my-imcloud.com</c> for <see cref="ImRegion.China"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined region.</exception>
    public static string BackupDomain(ImRegion region) => region switch
    {
        ImRegion.China => "adminapi.my-imcloud.com",
        ImRegion.Singapore => "adminapisgp.my-imcloud.com",
        ImRegion.Seoul => "adminapikr.my-imcloud.com",
        ImRegion.Tokyo => "adminapijpn.my-imcloud.com",
        ImRegion.Frankfurt => "adminapiger.my-imcloud.com",
        ImRegion.SiliconValley => "adminapiusa.my-imcloud.com",
        ImRegion.Jakarta => "adminapiidn.my-imcloud.com",
        ImRegion.Mumbai => "adminapiind.my-imcloud.com",
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "Unknown IM region."),
    };

    /// <summary>The HTTPS base address of the region's primary domain, e.g. <c>https://console.tim.qq.com/</c>.</summary>
    public static Uri BaseAddress(ImRegion region) => new("https://" + Domain(region) + "/");

    /// <summary>The HTTPS base address of the region's backup domain.</summary>
    public static Uri BackupBaseAddress(ImRegion region) => new("https://" + BackupDomain(region) + "/");
}
