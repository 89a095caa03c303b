namespace TagWorker.Cli;

/// <summary>
/// Separates configuration from the verb's own tokens before System.CommandLine sees them, so that a setting can sit
/// anywhere (before or after the verb) without being taken for a verb's argument, and so that every other token can
/// be parsed strictly. Configuration is <c>--Section:Key=value</c> or <c>--Section:Key value</c> (a key with a
/// colon), or one of the top-level keys <c>--Source</c>, <c>--urls</c> and <c>--environment</c> in either form.
/// Tokens after a bare <c>--</c> are the verb's, whatever they look like.
/// </summary>
internal static class ConfigurationArguments
{
    private const string Prefix = "--";

    // Top-level keys have no colon to recognise them by: the worker's own (Source) and the host's (urls, environment).
    // --contentRoot is not among them: TagWorkerHost fixes the content root to the binary's folder.
    private static readonly string[] TopLevelKeys = ["Source", "urls", "environment"];

    /// <summary>Splits <paramref name="args"/>; configuration comes back as <c>--Key=value</c>, in order.</summary>
    public static SplitArguments Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verb = new List<string>(args.Count);
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token == Prefix)
            {
                verb.AddRange(args.Skip(i));
                break;
            }

            if (!IsSetting(token, out var key, out var value))
            {
                verb.Add(token);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return new SplitArguments(verb, configuration, $"the setting '{token}' has no value (use {token}=VALUE)");
                }

                value = args[++i];
            }

            configuration.Add($"{Prefix}{key}={value}");
        }

        return new SplitArguments(verb, configuration, null);
    }

    private static bool IsSetting(string token, out string key, out string? value)
    {
        key = string.Empty;
        value = null;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length == Prefix.Length)
        {
            return false;
        }

        var body = token[Prefix.Length..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        key = equals < 0 ? body : body[..equals];
        value = equals < 0 ? null : body[(equals + 1)..];
        var isKey = key.Length > 0
            && (key.Contains(':', StringComparison.Ordinal) && !key.StartsWith(':') && !key.EndsWith(':')
                || TopLevelKeys.Contains(key, StringComparer.OrdinalIgnoreCase));
        return isKey;
    }
}

/// <summary>The outcome of <see cref="ConfigurationArguments.Split"/>.</summary>
/// <param name="Verb">The tokens for System.CommandLine: verbs, their options and arguments, and anything unknown.</param>
/// <param name="Configuration">The settings, each as <c>--Key=value</c>, for the host's configuration.</param>
/// <param name="Error">Why the command line is wrong (a setting without a value), or null.</param>
internal sealed record SplitArguments(IReadOnlyList<string> Verb, IReadOnlyList<string> Configuration, string? Error);
