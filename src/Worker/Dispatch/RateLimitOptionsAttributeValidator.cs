using Microsoft.Extensions.Options;

namespace TagWorker.Dispatch;

/// <summary>Source-generated validation of the DataAnnotations bounds on <see cref="RateLimitOptions"/>; used through <see cref="RateLimitOptionsValidator"/>.</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsAttributeValidator : IValidateOptions<RateLimitOptions>;
