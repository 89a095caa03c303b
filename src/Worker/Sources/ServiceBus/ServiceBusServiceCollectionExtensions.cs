using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.ServiceBus;

/// <summary>Registers the Azure Service Bus source.</summary>
public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceBusSourceOptions"/> (section <c>ServiceBus</c>, validated at start), a singleton
    /// <see cref="ServiceBusClient"/>, <see cref="ServiceBusSource"/> as the <see cref="ITagEventSource"/>,
    /// <see cref="ServiceBusWriter"/> as the <see cref="ITagEventWriter"/> and <see cref="ServiceBusDeadLetterStore"/>
    /// (the entity's dead-letter sub-queue) as the <see cref="IDeadLetterStore"/>. Call it only when the configured
    /// source is Service Bus: its settings are required.
    /// </summary>
    /// <remarks>
    /// With <c>ServiceBus:ConnectionString</c> the client uses that key. With <c>ServiceBus:FullyQualifiedNamespace</c>
    /// it authenticates with the <see cref="TokenCredential"/> registered in the container (register
    /// <c>DefaultAzureCredential</c>, which picks up Kubernetes workload identity).
    /// </remarks>
    public static IServiceCollection AddServiceBusSource(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ServiceBusSourceOptions>()
            .BindConfiguration(ServiceBusSourceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusSourceOptions>, ServiceBusSourceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateClient);
        services.AddSingleton<ITagEventSource, ServiceBusSource>();
        services.AddSingleton<ITagEventWriter, ServiceBusWriter>();
        services.AddSingleton<IDeadLetterStore, ServiceBusDeadLetterStore>();
        return services;
    }

    private static ServiceBusClient CreateClient(IServiceProvider provider)
    {
        ServiceBusSourceOptions options = provider.GetRequiredService<IOptions<ServiceBusSourceOptions>>().Value;
        if (ServiceBusSourceOptions.IsSet(options.ConnectionString))
        {
            return new ServiceBusClient(options.ConnectionString);
        }

        TokenCredential credential = provider.GetService<TokenCredential>()
            ?? throw new InvalidOperationException(
                $"{ServiceBusSourceOptions.SectionName}:FullyQualifiedNamespace is set, so Service Bus authenticates with Microsoft Entra ID, " +
                $"but no {typeof(TokenCredential).FullName} is registered (register DefaultAzureCredential; it uses workload identity in Kubernetes).");
        return new ServiceBusClient(options.FullyQualifiedNamespace, credential);
    }
}
