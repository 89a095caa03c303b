using TagWorker.Hosting;

namespace TagWorker.Cli;

/// <summary>
/// The host a verb resolves its services from (the configured source, the IM client): the production wiring
/// (<c>AddTagWorker</c>) without HTTP endpoints, never started. Its log goes to standard error at Warning and
/// above, so that standard output carries only the verb's result (a table, JSON lines) and can be piped.
/// Disposed asynchronously: the Service Bus client and sender can only be.
/// </summary>
internal sealed class VerbHost : IAsyncDisposable
{
    private readonly IHost _host;

    private VerbHost(IHost host)
    {
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public static VerbHost Build(IReadOnlyList<string> configuration, CommandLineContext context)
    {
        var builder = TagWorkerHost.CreateBuilder([.. configuration], QuietLog());
        builder.AddTagWorker();
        context.ConfigureHost?.Invoke(builder);
        return new VerbHost(builder.Build());
    }

    public ValueTask DisposeAsync() => _host is IAsyncDisposable asyncDisposable ? asyncDisposable.DisposeAsync() : DisposeSynchronously();

    private ValueTask DisposeSynchronously()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }

    // The command line still wins over these (CreateBuilder adds it again after them).
    private static Dictionary<string, string?> QuietLog() => new()
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        // appsettings.json's one sink is the console (WriteTo:0); every level of it goes to standard error.
        ["Serilog:WriteTo:0:Name"] = "Console",
        ["Serilog:WriteTo:0:Args:standardErrorFromLevel"] = "Verbose",
    };
}
