using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TagWorker.Publisher.Internal;

namespace TagWorker.Publisher;

/// <summary>Registers the tag-event publisher.</summary>
public static class TagEventPublisherServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITagEventPublisher"/> (and <see cref="TagEventPublisher"/>) as a singleton with
    /// <see cref="TagEventPublisherOptions"/> bound from the configuration section <paramref name="configSectionPath"/>
    /// (default <c>ServiceBus</c>, the worker's: <c>ConnectionString</c> or <c>FullyQualifiedNamespace</c>,
    /// <c>QueueName</c> or <c>TopicName</c>, <c>SessionsEnabled</c>, <c>PartitionCount</c>, <c>MaxMessagesPerBatch</c>)
    /// and validated at start-up with messages naming the key (<c>ServiceBus:PartitionCount …</c>).
    /// </summary>
    /// <param name="services">The container; it must hold an <c>IConfiguration</c> (a host's does).</param>
    /// <param name="configSectionPath">The section to bind, e.g. <c>TagEvents</c> or <c>ServiceBus</c>.</param>
    /// <param name="configure">
    /// Runs after binding, e.g. to set <see cref="TagEventPublisherOptions.Credential"/>, or every setting when they
    /// come from code (an absent section binds nothing).
    /// </param>
    /// <remarks>
    /// The publisher makes a <c>ServiceBusClient</c> of its own (a <c>ServiceBusClient</c> already in the container may
    /// be for another namespace) and closes it when the container is disposed. With
    /// <c>FullyQualifiedNamespace</c> it authenticates with <see cref="TagEventPublisherOptions.Credential"/>, or else
    /// the <see cref="TokenCredential"/> registered in the container.
    /// </remarks>
    public static IServiceCollection AddTagEventPublisher(
        this IServiceCollection services,
        string configSectionPath = TagEventPublisherOptions.DefaultSectionName,
        Action<TagEventPublisherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configSectionPath);
        OptionsBuilder<TagEventPublisherOptions> options = services.AddOptions<TagEventPublisherOptions>().BindConfiguration(configSectionPath);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<TagEventPublisherOptions>>(
            provider => new TagEventPublisherOptionsValidator(configSectionPath, () => provider.GetService<TokenCredential>() is not null));
        services.TryAddSingleton(provider => TagEventPublisher.Create(
            provider.GetRequiredService<IOptions<TagEventPublisherOptions>>().Value,
            provider.GetService<TokenCredential>()));
        services.TryAddSingleton<ITagEventPublisher>(provider => provider.GetRequiredService<TagEventPublisher>());
        return services;
    }
}
