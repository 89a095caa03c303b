using Microsoft.Extensions.Options;

namespace TagWorker.Hosting;

/// <summary>Rejects a <c>Source</c> value the binder could not map (it leaves the default otherwise).</summary>
internal sealed class WorkerOptionsValidator(Microsoft.Extensions.Configuration.IConfiguration configuration) : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var raw = configuration["Source"];
        return raw is null || Enum.TryParse<SourceKind>(raw, ignoreCase: true, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Source: '{raw}' is not a source; use Local or ServiceBus.");
    }
}
