using System.CommandLine;
using TagWorker.Benchmarks.Compare;
using TagWorker.Benchmarks.Crash;
using TagWorker.Benchmarks.Load;
using TagWorker.Benchmarks.Micro;
using TagWorker.Benchmarks.Queue;
using TagWorker.Benchmarks.SharedBudget;

// One verb per benchmark; arguments after the verb that it does not define go to BenchmarkDotNet (micro) or to the
// worker host's configuration (load, crash, storm, compare).
var root = new RootCommand("TagWorker benchmarks.");
root.Subcommands.Add(MicroCommand.Create());
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(QueueCommand.Create());
root.Subcommands.Add(CrashCommand.CreateCrash());
root.Subcommands.Add(CrashCommand.CreateStorm());
root.Subcommands.Add(SharedBudgetCommand.Create());
root.Subcommands.Add(PacerCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(ConsumerCommands.CreateNaive());
root.Subcommands.Add(ConsumerCommands.CreateIntake());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
