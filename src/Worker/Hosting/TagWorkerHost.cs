namespace TagWorker.Hosting;

/// <summary>
/// Builders for the three ways TagWorker runs (service, demo, enqueue). Settings come from the embedded
/// <c>appsettings.json</c> next to the binary (so <c>dotnet run --project src/Worker</c> works from any folder), then
/// the environment (<c>Section__Key</c>), then the command line (<c>--Section:Key=value</c>).
/// </summary>
public static class TagWorkerHost
{
    /// <summary>The service: the worker plus Kestrel for <c>/healthz</c> and <c>/readyz</c>.</summary>
    public static WebApplicationBuilder CreateWebBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        return builder;
    }

    /// <summary>
    /// A host without HTTP endpoints (demo, enqueue). <paramref name="overrides"/> win over the settings file and the
    /// environment, and the command line still wins over them.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
            builder.Configuration.AddCommandLine(args);
        }

        return builder;
    }
}
