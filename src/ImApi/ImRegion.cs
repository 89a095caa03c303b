namespace TagWorker.ImApi;

/// <summary>The data-centre region of an SDKAppID; it decides the API domain (<see cref="ImRegions"/>).</summary>
public enum ImRegion
{
    /// <summary>Mainland China: <c>console.tim.qq.com</c>.</summary>
    China,

    /// <summary>Singapore: <c>adminapisgp.im.qcloud.com</c>.</summary>
    Singapore,

    /// <summary>Seoul: <c>adminapikr.im.qcloud.com</c>.</summary>
    Seoul,

    /// <summary>Tokyo: <c>adminapijpn.im.qcloud.com</c>.</summary>
    Tokyo,

    /// <summary>Frankfurt: <c>adminapiger.im.qcloud.com</c>.</summary>
    Frankfurt,

    /// <summary>Silicon Valley: <c>adminapiusa.im.qcloud.com</c>.</summary>
    SiliconValley,

    /// <summary>Jakarta: <c>adminapiidn.im.qcloud.com</c>.</summary>
    Jakarta,

    /// <summary>Mumbai: <c>adminapiind.im.qcloud.com</c> (listed on some versions of the vendor's pages only).</summary>
    Mumbai,
}
