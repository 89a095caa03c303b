using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TagWorker.ImSimulator;

/// <summary>
/// Settings of the IM user-tag API simulator, bound from the <c>Simulator</c> configuration section.
/// Defaults: <see cref="SdkAppId"/> 1400000000, <see cref="AdminIdentifier"/> <c>administrator</c>,
/// <see cref="SecretKey"/> <see cref="DevelopmentSecretKey"/>, <see cref="CallsPerSecond"/> 100 (per endpoint, the vendor's
/// documented limit), all <see cref="Faults"/> off.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section: <c>Simulator</c>.</summary>
    public const string SectionName = "Simulator";

    /// <summary>
    /// The default secret key: the public example key of the vendor's TLSSigAPIv2 libraries (also the check value in
    /// spec/im-tag-api.md). For development and tests only; it protects nothing.
    /// </summary>
    public const string DevelopmentSecretKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    /// <summary>The only SDKAppID the simulator knows (<c>Simulator:SdkAppId</c>); default 1400000000, 1 to 4294967295.</summary>
    [Range(1d, uint.MaxValue)]
    public long SdkAppId { get; set; } = 1400000000;

    /// <summary>The app administrator account, the only <c>identifier</c> allowed to call (<c>Simulator:AdminIdentifier</c>); default <c>administrator</c>.</summary>
    [Required]
    public string AdminIdentifier { get; set; } = "administrator";

    /// <summary>The key UserSigs are checked with (<c>Simulator:SecretKey</c>); default <see cref="DevelopmentSecretKey"/>. Never logged.</summary>
    [Required]
    public string SecretKey { get; set; } = DevelopmentSecretKey;

    /// <summary>
    /// Accepted calls per endpoint in any sliding one-second window (<c>Simulator:CallsPerSecond</c>); default 100, 1 to 100000.
    /// </summary>
    [Range(1, 100_000)]
    public int CallsPerSecond { get; set; } = 100;

    /// <summary>Injected faults (<c>Simulator:Faults</c>); all off by default.</summary>
    [Required]
    [ValidateObjectMembers]
    public FaultOptions Faults { get; set; } = new();

    internal SimulatorOptions Clone() => new()
    {
        SdkAppId = SdkAppId,
        AdminIdentifier = AdminIdentifier,
        SecretKey = SecretKey,
        CallsPerSecond = CallsPerSecond,
        Faults = Faults.Clone(),
    };
}
