using Microsoft.Extensions.Options;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>
/// Validates <see cref="SimulatorOptions"/> so that each failure names its configuration key, e.g.
/// "The field Simulator.Faults.Latency must be between 00:00:00 and 00:05:00."
/// </summary>
/// <remarks>
/// The generated validator labels members with the name it is given; the options' instance name would be empty, so the
/// section name is passed instead. (The generator ignores <c>ErrorMessage</c> on <c>[Range]</c>, so the label is the
/// only way to name the key.)
/// </remarks>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    /// <summary>The label of fault options validated on their own, as their configuration path.</summary>
    public const string FaultsLabel = SimulatorOptions.SectionName + "." + nameof(SimulatorOptions.Faults);

    private readonly SimulatorOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, SimulatorOptions options) =>
        _attributes.Validate(SimulatorOptions.SectionName, options);

    /// <summary>Checks fault options swapped at run time.</summary>
    public static ValidateOptionsResult ValidateFaults(FaultOptions faults) =>
        new FaultOptionsValidator().Validate(FaultsLabel, faults);
}
