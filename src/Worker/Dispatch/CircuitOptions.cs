using System.ComponentModel.DataAnnotations;

namespace TagWorker.Dispatch;

/// <summary>The configuration-fault circuit (section <c>Circuit</c>).</summary>
public sealed class CircuitOptions
{
    public const string SectionName = "Circuit";

    /// <summary>How long the circuit stays open before a probe (<c>im_get_tag</c> for the admin) tests the settings again. Default 30 s, 1 s..1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);
}
