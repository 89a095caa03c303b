namespace TagWorker.Benchmarks.Load;

/// <summary>One endpoint's row of the demo summary.</summary>
internal sealed record EndpointFigures(
    string Endpoint,
    long Calls,
    long SuccessfulCalls,
    long UsersApplied,
    double MeanUsersPerSuccessfulCall,
    double CallsPerSecondWholeRun,
    double CallsPerSecondDuringBacklog);
