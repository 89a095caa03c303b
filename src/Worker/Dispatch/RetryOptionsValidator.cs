using Microsoft.Extensions.Options;
using TagWorker.Hosting;

namespace TagWorker.Dispatch;

/// <summary>
/// Validates <see cref="RetryOptions"/> at start-up: the attribute bounds (source-generated) and the rule across
/// fields (MaxDelay not under BaseDelay), every message naming its <c>Retry:*</c> key.
/// </summary>
internal sealed class RetryOptionsValidator : IValidateOptions<RetryOptions>
{
    private readonly RetryOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        var failures = ConfigurationKeyMessages.Rewrite(_attributes.Validate(name, options), nameof(RetryOptions), RetryOptions.SectionName).ToList();
        if (options.MaxDelay < options.BaseDelay)
        {
            failures.Add($"Retry:MaxDelay ({options.MaxDelay}) must not be shorter than Retry:BaseDelay ({options.BaseDelay}).");
        }

        return ConfigurationKeyMessages.From(failures);
    }
}

/// <summary>The attribute bounds of <see cref="RetryOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RetryOptionsAttributeValidator : IValidateOptions<RetryOptions>;
