[assembly: AssemblyFixture(typeof(TagWorker.Tests.Telemetry.AzureSdkTracingFixture))]

namespace TagWorker.Tests.Telemetry;

/// <summary>
/// Registers the worker's telemetry once before any test runs, as the worker does before any Azure client exists:
/// each Azure assembly reads its experimental tracing switch once per process, so a test that happened to make the
/// Service Bus SDK start a span first would otherwise decide it for the whole run.
/// </summary>
public sealed class AzureSdkTracingFixture
{
    public AzureSdkTracingFixture() => _ = TelemetryHost.Builder();
}
