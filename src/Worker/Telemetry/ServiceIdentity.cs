using System.Reflection;

namespace TagWorker.Telemetry;

/// <summary>
/// The resource attributes that tell replicas apart: <c>service.name</c> (<c>OTEL_SERVICE_NAME</c>, default
/// <c>tagworker</c>), <c>service.version</c> (the assembly's informational version) and <c>service.instance.id</c>
/// (the pod's name from the downward API, <c>POD_NAME</c>; elsewhere machine name and process id, unique among the
/// processes that run at once).
/// </summary>
public sealed record ServiceIdentity(string Name, string Version, string InstanceId)
{
    public const string DefaultName = "tagworker";

    public static ServiceIdentity FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration["OTEL_SERVICE_NAME"];
        var pod = configuration["POD_NAME"];
        var version = typeof(ServiceIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new(
            string.IsNullOrEmpty(name) ? DefaultName : name,
            version,
            string.IsNullOrEmpty(pod) ? $"{Environment.MachineName}-{Environment.ProcessId}" : pod);
    }
}
