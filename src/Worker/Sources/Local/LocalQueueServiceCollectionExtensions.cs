using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TagWorker.Sources.Local;

/// <summary>Registers the local durable queue as TagWorker's source.</summary>
public static class LocalQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalQueueOptions"/> (section <c>LocalQueue</c>, validated at start-up),
    /// <see cref="LocalQueue"/>, <see cref="LocalQueueSource"/> as <see cref="ITagEventSource"/>,
    /// <see cref="LocalQueueWriter"/> as <see cref="ITagEventWriter"/> and <see cref="LocalDeadLetterStore"/> as
    /// <see cref="IDeadLetterStore"/>, all singletons, and <see cref="TimeProvider.System"/> unless a
    /// <see cref="TimeProvider"/> is registered already. Nothing takes the queue's ownership until the source runs,
    /// so the writer and the dead-letter store work beside a running worker.
    /// </summary>
    public static IServiceCollection AddLocalQueueSource(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Data annotations by reflection, not the [OptionsValidator] generator: the generator's copy of RangeAttribute
        // ignores ErrorMessage, and the messages must name the configuration key.
        services.AddOptions<LocalQueueOptions>()
            .BindConfiguration(LocalQueueOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalQueue>();
        services.TryAddSingleton<LocalQueueSource>();
        services.TryAddSingleton<ITagEventSource>(provider => provider.GetRequiredService<LocalQueueSource>());
        services.TryAddSingleton<LocalQueueWriter>();
        services.TryAddSingleton<ITagEventWriter>(provider => provider.GetRequiredService<LocalQueueWriter>());
        services.TryAddSingleton<LocalDeadLetterStore>();
        services.TryAddSingleton<IDeadLetterStore>(provider => provider.GetRequiredService<LocalDeadLetterStore>());
        return services;
    }
}
