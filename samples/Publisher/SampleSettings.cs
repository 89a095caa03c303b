using Microsoft.Extensions.Configuration;

namespace TagWorker.Samples.Publisher;

/// <summary>
/// The event the sample publishes: <c>--Sample:EventId=…</c>, <c>--Sample:Users=u1,u2,…</c>, <c>--Sample:Tag=…</c>.
/// The default id is fixed so that running the sample twice shows the same derived ids (and duplicate detection
/// drops the second run's messages).
/// </summary>
internal sealed record SampleSettings(string EventId, string[] Users, string Tag)
{
    private const string DefaultUsers = "u1,u2,u3,u4,u5,u6,u7,u8,u9,u10,u11,u12,张三,xiaojun012";

    public static SampleSettings From(IConfiguration configuration) => new(
        configuration["Sample:EventId"] ?? "segment-vip-2026-11-25",
        (configuration["Sample:Users"] ?? DefaultUsers).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        configuration["Sample:Tag"] ?? "vip");
}
