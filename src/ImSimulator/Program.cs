using TagWorker.ImSimulator;

await ImSimulatorApp.Build(args).RunAsync().ConfigureAwait(false);
