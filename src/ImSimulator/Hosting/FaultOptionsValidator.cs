using Microsoft.Extensions.Options;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>Checks <see cref="FaultOptions"/> on their own, for faults swapped at run time.</summary>
[OptionsValidator]
internal sealed partial class FaultOptionsValidator : IValidateOptions<FaultOptions>;
