using Microsoft.Extensions.Options;

namespace TagWorker.Pipeline;

/// <summary>Checks the <see cref="PipelineOptions"/> bounds at start-up (source-generated from its attributes).</summary>
[OptionsValidator]
public sealed partial class PipelineOptionsValidator : IValidateOptions<PipelineOptions>;
