using Microsoft.Extensions.Options;
using TagWorker.Hosting;

namespace TagWorker.Pipeline;

/// <summary>
/// Validates <see cref="PipelineOptions"/> at start-up: the attribute bounds (source-generated) with messages naming
/// the <c>Pipeline:*</c> key. The options have no rule across fields.
/// </summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    private readonly PipelineOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = ConfigurationKeyMessages.Rewrite(_attributes.Validate(name, options), nameof(PipelineOptions), PipelineOptions.SectionName).ToList();
        return ConfigurationKeyMessages.From(failures);
    }
}

/// <summary>The attribute bounds of <see cref="PipelineOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class PipelineOptionsAttributeValidator : IValidateOptions<PipelineOptions>;
