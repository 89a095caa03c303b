using System.ComponentModel.DataAnnotations;

namespace TagWorker.Dispatch;

/// <summary>The configuration-fault circuit (section <c>Circuit</c>).</summary>
public sealed class CircuitOptions
{
    public const string SectionName = "Circuit";

    /// <summary>How long the circuit stays open before a probe (<c>im_get_tag</c> for the admin) tests the settings again. Default 30 s, 10 ms..1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Circuit:ProbeInterval must be between {1} and {2}.")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);
}
