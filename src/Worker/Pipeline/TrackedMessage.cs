using TagWorker.Dispatch;
using TagWorker.Sources;

namespace TagWorker.Pipeline;

/// <summary>A valid message in the pipeline: which users it touches, how many are still unresolved, and what failed.</summary>
internal sealed class TrackedMessage(SourceMessage message, IReadOnlyList<string> users)
{
    public SourceMessage Message { get; } = message;

    public IReadOnlyList<string> Users { get; } = users;

    /// <summary>Users whose change from this message is not yet applied, failed or abandoned.</summary>
    public int Unresolved { get; set; } = users.Count;

    /// <summary>Set when any of its users' changes was abandoned: the message goes back to the source.</summary>
    public bool Abandon { get; set; }

    /// <summary>Users whose change failed for good, with why.</summary>
    public List<UserOutcome>? Failures { get; set; }

    public bool Settled { get; set; }
}
