using Microsoft.Extensions.Options;
using TagWorker.ImSimulator.Api;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>Registers the simulator's services.</summary>
internal static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// For the standalone app: <see cref="SimulatorOptions"/> bound from <c>Simulator</c> and validated at start, on the
    /// system clock.
    /// </summary>
    public static IServiceCollection AddImSimulatorFromConfiguration(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.AddSingleton(provider => new SimulatorCore(provider.GetRequiredService<IOptions<SimulatorOptions>>().Value, TimeProvider.System));
        services.AddSingleton<TagCallHandler>();
        return services;
    }

    /// <summary>For an in-process host: an instance built by the caller, with its own options and clock.</summary>
    public static IServiceCollection AddImSimulator(this IServiceCollection services, SimulatorCore core)
    {
        services.AddSingleton(core);
        services.AddSingleton<TagCallHandler>();
        return services;
    }
}
