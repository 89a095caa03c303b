using Microsoft.Extensions.Options;

namespace TagWorker.ImApi;

/// <summary>Source-generated validation of the DataAnnotations bounds on <see cref="ImApiOptions"/>; used through <see cref="ImApiOptionsValidator"/>.</summary>
[OptionsValidator]
internal sealed partial class ImApiOptionsAttributeValidator : IValidateOptions<ImApiOptions>;
