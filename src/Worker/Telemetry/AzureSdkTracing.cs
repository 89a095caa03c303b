namespace TagWorker.Telemetry;

/// <summary>
/// The Azure SDK (Service Bus, Identity) creates its spans on <c>Azure.*</c> activity sources only behind an
/// experimental switch, which each Azure assembly reads once, the first time it creates a span
/// (<c>ActivityExtensions.SupportsActivitySource</c>). So the switch is set while services are registered, before
/// any Azure client exists.
/// </summary>
internal static class AzureSdkTracing
{
    public const string SourceNames = "Azure.*";
    public const string Switch = "Azure.Experimental.EnableActivitySource";
    public const string EnvironmentVariable = "AZURE_EXPERIMENTAL_ENABLE_ACTIVITY_SOURCE";

    /// <summary>Sets the switch unless the environment variable decides (the SDK lets the switch win over it).</summary>
    public static void Enable()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)))
        {
            AppContext.SetSwitch(Switch, true);
        }
    }
}
