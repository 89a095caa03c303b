using Microsoft.Extensions.Options;
using TagWorker.Hosting;

namespace TagWorker.Dispatch;

/// <summary>
/// Validates <see cref="CircuitOptions"/> at start-up: the attribute bounds (source-generated) and the rule across
/// fields (an outage's break shorter than its sampling window, or a single slow failure would hold it open), every
/// message naming its <c>Circuit:*</c> key.
/// </summary>
internal sealed class CircuitOptionsValidator : IValidateOptions<CircuitOptions>
{
    private readonly CircuitOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, CircuitOptions options)
    {
        var failures = ConfigurationKeyMessages.Rewrite(_attributes.Validate(name, options), nameof(CircuitOptions), CircuitOptions.SectionName).ToList();
        if (options.OutageBreakDuration > options.OutageSamplingDuration)
        {
            failures.Add($"Circuit:OutageBreakDuration ({options.OutageBreakDuration}) must not be longer than Circuit:OutageSamplingDuration ({options.OutageSamplingDuration}).");
        }

        return ConfigurationKeyMessages.From(failures);
    }
}

/// <summary>The attribute bounds of <see cref="CircuitOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class CircuitOptionsAttributeValidator : IValidateOptions<CircuitOptions>;
