using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TagWorker.Dispatch;

/// <summary>
/// Validates <see cref="RateLimitOptions"/>: the attribute bounds (source-generated) and the rules across fields (a
/// known mode; with Redis, a connection string that parses). Every failure names its configuration key.
/// </summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    // The generator is given the section name as the label and writes "RateLimit.Redis.X" / "RateLimit.X"; the
    // configuration key uses colons.
    private const string Section = RateLimitOptions.SectionName;

    private readonly RateLimitOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var attributeResult = _attributes.Validate(Section, options);
        if (attributeResult.Failed)
        {
            failures.AddRange(attributeResult.Failures.Select(static failure => failure
                .Replace(Section + "." + nameof(RateLimitOptions.Redis) + ".", Section + ":" + nameof(RateLimitOptions.Redis) + ":", StringComparison.Ordinal)
                .Replace(Section + ".", Section + ":", StringComparison.Ordinal)));
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add("RateLimit:Mode must be Local or Redis.");
        }

        if (options.Mode == RateLimitMode.Redis)
        {
            var connectionString = options.Redis?.ConnectionString;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                failures.Add("RateLimit:Redis:ConnectionString is required when RateLimit:Mode is Redis.");
            }
            else if (!Parses(connectionString))
            {
                // The string may hold a password: the message does not repeat it.
                failures.Add("RateLimit:Redis:ConnectionString is not a valid StackExchange.Redis configuration (host:port[,option=value…]).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool Parses(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
