using Microsoft.Extensions.Options;

namespace TagWorker.Planning;

/// <summary>Checks the <see cref="BatchingOptions"/> bounds at start-up (source-generated from its attributes).</summary>
[OptionsValidator]
public sealed partial class BatchingOptionsValidator : IValidateOptions<BatchingOptions>;
