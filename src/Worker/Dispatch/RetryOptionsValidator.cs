using Microsoft.Extensions.Options;

namespace TagWorker.Dispatch;

/// <summary>Cross-field rules the attributes cannot state.</summary>
internal sealed class RetryOptionsValidator : IValidateOptions<RetryOptions>
{
    public ValidateOptionsResult Validate(string? name, RetryOptions options) =>
        options.MaxDelay < options.BaseDelay
            ? ValidateOptionsResult.Fail($"Retry:MaxDelay ({options.MaxDelay}) must not be shorter than Retry:BaseDelay ({options.BaseDelay}).")
            : ValidateOptionsResult.Success;
}
