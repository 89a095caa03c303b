using TagWorker.Cli;

return await TagWorkerCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
