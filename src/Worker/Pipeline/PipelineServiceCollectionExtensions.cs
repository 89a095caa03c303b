namespace TagWorker.Pipeline;

/// <summary>Registers the pipeline's settings (<see cref="PipelineOptions"/>, section <c>Pipeline</c>), validated at start-up.</summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services
            .AddOptionsWithValidateOnStart<PipelineOptions, PipelineOptionsValidator>()
            .BindConfiguration(PipelineOptions.SectionName);
        return services;
    }
}
