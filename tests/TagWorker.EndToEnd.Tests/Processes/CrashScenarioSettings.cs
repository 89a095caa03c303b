using TagWorker.ImSimulator;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// A crash run: how many events over how many users, how many SIGKILLs, the simulator's faults and the worker's
/// settings. With <see cref="Kills"/> 0 it is a plain run to the end (the storm).
/// </summary>
internal sealed record CrashScenarioSettings
{
    public int Events { get; init; } = 20_000;

    public int Users { get; init; } = 4_000;

    /// <summary>Invalid bodies mixed in; they, and only they, must be dead-lettered (<c>InvalidEvent</c>).</summary>
    public int InvalidEvents { get; init; } = 6;

    /// <summary>SIGKILLs at seeded moments during the run, each followed by a restart on the same queue file.</summary>
    public int Kills { get; init; } = 5;

    /// <summary>Seeds the stream, the kill moments and (through <see cref="Faults"/>' default) the fault draws.</summary>
    public int Seed { get; init; } = 8;

    /// <summary>The simulator's faults; default <see cref="StormFaults.Create"/> with <see cref="Seed"/>.</summary>
    public FaultOptions? Faults { get; init; }

    /// <summary>Worker settings (<c>Section:Key</c>) on top of the run's source, queue and API settings.</summary>
    public IReadOnlyDictionary<string, string?> WorkerSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>How long the run may take from the first worker's start until the queue is empty.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}
