using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TagWorker.ImApi;

/// <summary>Registers the IM user-tag API client.</summary>
public static class ImApiServiceCollectionExtensions
{
    // Connections are recycled so that DNS changes (the vendor's backup domains, load balancers) are picked up.
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    // An im_get_tag answer for 100 users of 100 tags of 50 bytes is about 0.5 MB; anything far larger is not the API.
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Binds <see cref="ImApiOptions"/> to section <c>ImApi</c> (validated at start-up), and registers
    /// <see cref="UserSigProvider"/>, <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered,
    /// and <see cref="IImTagClient"/> as a typed HTTP client whose connection pool holds
    /// <see cref="ImApiOptions.MaxConcurrentRequests"/> connections. The HTTP client's own logging is removed because
    /// request URLs carry the UserSig; <see cref="ImTagClient"/> logs what matters without it.
    /// </summary>
    public static IServiceCollection AddImApiClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptionsWithValidateOnStart<ImApiOptions, ImApiOptionsValidator>()
            .BindConfiguration(ImApiOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UserSigProvider>();

        services.AddHttpClient<IImTagClient, ImTagClient>(client =>
            {
                // The per-call timeout is ours (ImApiOptions.Timeout on TimeProvider), so HttpClient's must not interfere.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(serviceProvider =>
            {
                var options = serviceProvider.GetRequiredService<IOptions<ImApiOptions>>().Value;
                return new SocketsHttpHandler
                {
                    MaxConnectionsPerServer = options.MaxConcurrentRequests,
                    PooledConnectionLifetime = PooledConnectionLifetime,
                    ConnectTimeout = options.Timeout,
                    UseCookies = false,
                    AllowAutoRedirect = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.All,
                };
            })
            // The handler recycles its own connections (PooledConnectionLifetime), so the factory need not rotate it.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        return services;
    }
}
