using TagWorker.Hosting;

namespace TagWorker.Cli;

/// <summary>
/// No verb: the worker service with <c>/healthz</c> and <c>/readyz</c>, until SIGTERM or Ctrl+C (the host drains,
/// then the process exits 0) or until its source fails (exit 1 with the reason).
/// </summary>
internal static class ServiceCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> configuration, CommandLineContext context, CancellationToken cancellationToken)
    {
        var builder = TagWorkerHost.CreateWebBuilder([.. configuration]);
        builder.AddTagWorker();
        context.ConfigureHost?.Invoke(builder);
        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            app.MapTagWorkerHealth();
            // Resolved before the run, not after: once the host has stopped its services are disposed, and reading
            // them then threw ObjectDisposedException, which turned every graceful SIGTERM into exit code 1.
            var service = app.Services.GetRequiredService<TagWorkerService>();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceCommand).FullName!);

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // The bound addresses are known only now (a port of 0 is chosen by the OS); scripts wait for this line.
            CliLog.Listening(logger, string.Join(", ", app.Urls));
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);

            if (service.Fault is { } fault)
            {
                await context.Error.WriteLineAsync($"tagworker: {fault.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        }
    }
}
