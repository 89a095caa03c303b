using System.Net;
using Microsoft.Extensions.Options;
using TagWorker.ImSimulator.Hosting;

namespace TagWorker.ImSimulator;

/// <summary>
/// Builds the Tencent Cloud IM user-tag API simulator: standalone (<see cref="Build"/>, configured from the
/// <c>Simulator</c> section and <c>--urls</c>) or in-process on a free loopback port (<see cref="StartAsync"/>).
/// </summary>
public static class ImSimulatorApp
{
    /// <summary>Where the standalone simulator listens when no <c>--urls</c>, <c>urls</c>, <c>http_ports</c> or Kestrel endpoint is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Builds the standalone app from command-line arguments and the usual configuration sources. Options are validated
    /// when it starts; once listening it prints the address and example curl commands to standard output.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (!HasConfiguredAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Request-start lines carry the query string, and with it the caller's UserSig: keep them out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // Defaults in code, not in an appsettings.json: the worker references this project, and a second
        // appsettings.json would be copied over the worker's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddImSimulatorFromConfiguration();
        var app = builder.Build();
        app.MapImSimulator();
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    /// <summary>
    /// Starts a simulator in this process on <c>http://127.0.0.1:0</c> (a free port; see <see cref="RunningSimulator.BaseAddress"/>).
    /// It reads no configuration: <paramref name="options"/> is all there is, copied at start. <paramref name="timeProvider"/>
    /// (default the system clock) drives UserSig expiry, the rate windows and injected latency.
    /// </summary>
    /// <exception cref="OptionsValidationException">An option is out of its documented range.</exception>
#pragma warning disable CA1068 // The signature is the one the worker, tests and benchmark code against; the clock is optional.
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken, TimeProvider? timeProvider = null)
#pragma warning restore CA1068
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new SimulatorOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(SimulatorOptions.SectionName, typeof(SimulatorOptions), validation.Failures);
        }

        // An empty builder: no configuration files, environment or Kestrel settings can move the port or the options.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        var core = new SimulatorCore(options, timeProvider ?? TimeProvider.System);
        builder.Services.AddImSimulator(core);

        var app = builder.Build();
        app.MapImSimulator();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RunningSimulator(app, core, new Uri(app.Urls.First() + "/"));
    }

    private static bool HasConfiguredAddress(ConfigurationManager configuration) =>
        !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").Exists();

    private static void PrintBanner(WebApplication app)
    {
        var address = app.Urls.Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null).FirstOrDefault(uri => uri is not null);
        if (address is null)
        {
            return;
        }

        var core = app.Services.GetRequiredService<SimulatorCore>();
        StartupBanner.Write(Console.Out, address, core.Options, core.TimeProvider);
    }
}
