using TagWorker.Cli;

return await TagWorkerCommandLine.RunAsync(args).ConfigureAwait(false);
