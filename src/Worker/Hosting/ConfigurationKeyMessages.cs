using Microsoft.Extensions.Options;

namespace TagWorker.Hosting;

/// <summary>
/// Puts configuration keys into the messages of the source-generated <c>[OptionsValidator]</c> validators. The
/// generator names a member <c>TypeName.Member</c> and ignores <c>ErrorMessage</c> on <c>[Range]</c> (it formats
/// its own text), while an operator needs the key to fix (<c>Section:Member</c>). Every options type of the worker
/// is validated the same way: the generated attribute validator, then the cross-field rules in a hand-written
/// <c>IValidateOptions</c> that calls it through this helper (the shape Microsoft.Extensions.Http.Resilience uses).
/// </summary>
internal static class ConfigurationKeyMessages
{
    /// <summary>The failures of <paramref name="result"/>, with <c>{typeName}.</c> rewritten to <c>{section}:</c>.</summary>
    public static IEnumerable<string> Rewrite(ValidateOptionsResult result, string typeName, string section)
    {
        if (!result.Failed)
        {
            return [];
        }

        var generated = typeName + ".";
        var key = section + ":";
        return result.Failures.Select(f => f.Replace(generated, key, StringComparison.Ordinal));
    }

    /// <summary>A result from collected failures.</summary>
    public static ValidateOptionsResult From(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
