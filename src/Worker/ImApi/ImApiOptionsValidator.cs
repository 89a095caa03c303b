using Microsoft.Extensions.Options;

namespace TagWorker.ImApi;

/// <summary>
/// Validates <see cref="ImApiOptions"/>: the attribute bounds (source-generated) and the rules that span fields
/// (Region xor BaseUrl, an http(s) BaseUrl, renew-before under the lifetime). Every failure names its configuration key.
/// </summary>
internal sealed class ImApiOptionsValidator : IValidateOptions<ImApiOptions>
{
    // The generator names members "ImApiOptions.X" and ignores ErrorMessage on [Range] (its own RangeAttribute copy
    // formats a fixed text), so the configuration key is put in by rewriting that prefix.
    private const string GeneratedPrefix = nameof(ImApiOptions) + ".";
    private const string KeyPrefix = ImApiOptions.SectionName + ":";

    private readonly ImApiOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, ImApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var attributeResult = _attributes.Validate(name, options);
        if (attributeResult.Failed)
        {
            failures.AddRange(attributeResult.Failures.Select(f => f.Replace(GeneratedPrefix, KeyPrefix, StringComparison.Ordinal)));
        }

        if (options.Region is null == options.BaseUrl is null)
        {
            failures.Add("Exactly one of ImApi:Region and ImApi:BaseUrl must be set.");
        }

        if (options.BaseUrl is { } baseUrl
            && (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("ImApi:BaseUrl must be an absolute http or https address.");
        }

        if (options.Region is { } region && !Enum.IsDefined(region))
        {
            failures.Add("ImApi:Region is not a known region.");
        }

        if (options.UserSigRenewBefore >= options.UserSigLifetime)
        {
            failures.Add("ImApi:UserSigRenewBefore must be less than ImApi:UserSigLifetime.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
