namespace TagWorker.Benchmarks.Crash;

/// <summary>
/// The arguments a verb does not define, as worker settings: <c>--Section:Key=value</c>, the worker CLI's own form,
/// handed to every worker process of the run.
/// </summary>
internal static class WorkerSettingsArguments
{
    /// <exception cref="ArgumentException">An argument is not of the form <c>--Section:Key=value</c>.</exception>
    public static Dictionary<string, string?> Parse(IEnumerable<string> tokens)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens)
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (!token.StartsWith("--", StringComparison.Ordinal) || equals < 3)
            {
                throw new ArgumentException($"'{token}' is not a worker setting; write settings as --Section:Key=value.", nameof(tokens));
            }

            settings[token[2..equals]] = token[(equals + 1)..];
        }

        return settings;
    }
}
