using System.ComponentModel.DataAnnotations;

namespace TagWorker.Pipeline;

/// <summary>
/// How much the pipeline holds (configuration section <c>Pipeline</c>). Every message is held from intake until it
/// is settled, and a user's open fold keeps absorbing that user's changes until it goes on the wire, so the deeper
/// the window the more a backlog merges: a user whose ten changes are all in the window costs one update, not ten.
/// Intake waits (the source stops receiving) while either bound is reached.
/// </summary>
public sealed class PipelineOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Pipeline";

    /// <summary>
    /// Most messages held at once. Default 300,000 (about 150 MB); 1 to 5,000,000. The source's own limit
    /// (<c>LocalQueue:MaxConcurrentMessages</c>, <c>ServiceBus:MaxConcurrentMessages</c>) also applies.
    /// </summary>
    [Range(1, 5_000_000)]
    public int MaxHeldMessages { get; set; } = 300_000;

    /// <summary>
    /// Most message-body bytes held at once, so that a few huge segment events cannot exhaust memory. Default
    /// 128 MiB; 1 MiB to 16 GiB. A single message larger than this is still taken when nothing else is held.
    /// </summary>
    [Range(typeof(long), "1048576", "17179869184")]
    public long MaxHeldBytes { get; set; } = 128L << 20;
}
