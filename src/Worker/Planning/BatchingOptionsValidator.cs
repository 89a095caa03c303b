using Microsoft.Extensions.Options;
using TagWorker.Hosting;

namespace TagWorker.Planning;

/// <summary>
/// Validates <see cref="BatchingOptions"/> at start-up: the attribute bounds (source-generated) with messages naming
/// the <c>Batching:*</c> key. The options have no rule across fields.
/// </summary>
public sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
{
    private readonly BatchingOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, BatchingOptions options)
    {
        var failures = ConfigurationKeyMessages.Rewrite(_attributes.Validate(name, options), nameof(BatchingOptions), BatchingOptions.SectionName).ToList();
        return ConfigurationKeyMessages.From(failures);
    }
}

/// <summary>The attribute bounds of <see cref="BatchingOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class BatchingOptionsAttributeValidator : IValidateOptions<BatchingOptions>;
