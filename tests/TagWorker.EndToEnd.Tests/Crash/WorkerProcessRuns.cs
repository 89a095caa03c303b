namespace TagWorker.EndToEnd.Tests.Crash;

/// <summary>
/// The process-level runs (crash, storm, cap) run alone: each drives a worker process at the API's full rate on a
/// 2-core machine, and running them beside each other or other tests would only stretch every one of them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerProcessRuns
{
    public const string Name = "worker processes";
}
