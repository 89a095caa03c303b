using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using TagWorker.Hosting;

namespace TagWorker.Tests.Telemetry;

/// <summary>A host with only the telemetry registration, on the given settings (nothing from the machine's files).</summary>
internal static class TelemetryHost
{
    public static HostApplicationBuilder Builder(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        // Quiet unless a test asks: hosts log their start and every request at Information.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Warning" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddTagWorkerTelemetry();
        return builder;
    }
}
