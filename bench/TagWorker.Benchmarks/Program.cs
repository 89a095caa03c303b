using System.CommandLine;
using TagWorker.Benchmarks.Micro;

// One verb per benchmark; arguments after the verb that it does not define go to BenchmarkDotNet.
var root = new RootCommand("TagWorker benchmarks.");
root.Subcommands.Add(MicroCommand.Create());
return root.Parse(args).Invoke();
