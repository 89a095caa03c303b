using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TagWorker.Planning;

/// <summary>Registers batching: <see cref="BatchingOptions"/> and the <see cref="BatchPlanner"/>.</summary>
public static class BatchingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="BatchingOptions"/> to the <c>Batching</c> section, validated when the host starts, and registers
    /// <see cref="BatchPlanner"/> as a singleton built from them.
    /// </summary>
    public static IServiceCollection AddBatching(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services
            .AddOptionsWithValidateOnStart<BatchingOptions, BatchingOptionsValidator>()
            .BindConfiguration(BatchingOptions.SectionName);
        services.TryAddSingleton(static sp => new BatchPlanner(sp.GetRequiredService<IOptions<BatchingOptions>>()));
        return services;
    }
}
