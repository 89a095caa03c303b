namespace TagWorker.Demo;

/// <summary>What the <c>demo</c> verb runs: how many events, over how many users, and the simulator's faults.</summary>
public sealed record DemoSettings
{
    public int Events { get; init; } = 100_000;

    public int Users { get; init; } = 10_000;

    /// <summary>Invalid messages mixed in, to show dead-lettering (<c>InvalidEvent</c>) leaving the rest unaffected.</summary>
    public int InvalidEvents { get; init; } = 5;

    public int Seed { get; init; } = 1;

    public int TagAlphabet { get; init; } = 50;

    public double ErrorRate91000 { get; init; } = 0.10;

    public double Http502Rate { get; init; } = 0.02;

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(20);

    public int CallsPerSecond { get; init; } = 100;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether to print progress while the worker runs.</summary>
    public bool Progress { get; init; } = true;

    /// <summary>
    /// Whether the output is a terminal, where the progress line is redrawn in place; otherwise a plain line is
    /// printed every <see cref="ProgressLineInterval"/>.
    /// </summary>
    public bool RedrawProgress { get; init; }

    /// <summary>How often a plain progress line is printed when <see cref="RedrawProgress"/> is false; default 5 s.</summary>
    public TimeSpan ProgressLineInterval { get; init; } = TimeSpan.FromSeconds(5);
}
