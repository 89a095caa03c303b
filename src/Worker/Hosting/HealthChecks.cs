using Microsoft.Extensions.Diagnostics.HealthChecks;
using TagWorker.Dispatch;

namespace TagWorker.Hosting;

/// <summary>Readiness: not ready while the configuration-fault circuit is open (the worker is taking no messages).</summary>
internal sealed class CircuitHealthCheck(ConfigurationFaultCircuit circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(circuit.Fault is { } fault
            ? HealthCheckResult.Unhealthy($"Configuration fault from the IM API; intake stopped until a probe succeeds: {fault}")
            : HealthCheckResult.Healthy());
}

/// <summary>Readiness: not ready while an endpoint's outage circuit is open (intake waits; held messages are kept).</summary>
internal sealed class OutageHealthCheck(OutageCircuit outage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(outage.Cause is { } cause
            ? HealthCheckResult.Unhealthy($"Outage of the IM API; intake stopped and calls held until the endpoint answers again: {cause}")
            : HealthCheckResult.Healthy());
}

/// <summary>Liveness: the worker service's loop is running.</summary>
internal sealed class WorkerLivenessHealthCheck(WorkerHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.Running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The worker loop is not running."));
}
