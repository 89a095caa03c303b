using Microsoft.Extensions.Options;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>The source-generated DataAnnotations checks of <see cref="SimulatorOptions"/>, including its <see cref="FaultOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class SimulatorOptionsAttributeValidator : IValidateOptions<SimulatorOptions>;
