using System.Globalization;
using System.Text.RegularExpressions;
using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Load;

/// <summary>
/// The figures of <c>DemoRunner</c>'s summary. The runner keeps its metrics inside its own host, so its printed
/// summary is the only place they leave it; each line is matched by its label and the numbers in it, and a line that
/// does not match is reported by name rather than read as zero.
/// </summary>
internal sealed partial record DemoSummary(
    long Messages,
    double ElapsedSeconds,
    long FrequencyLimitAnswers,
    long FrequencyViolations,
    double Budget,
    IReadOnlyList<EndpointFigures> Endpoints,
    string StateCheck,
    string RequestsPacked)
{
    private static readonly string[] EndpointNames = [ImCommandPaths.RemoveAllTags, ImCommandPaths.RemoveTag, ImCommandPaths.AddTag];

    /// <summary>Reads a summary printed under the invariant culture.</summary>
    /// <exception cref="FormatException">A summary line is missing or changed shape; the message names it.</exception>
    public static DemoSummary Parse(string text)
    {
        var messages = Match(MessagesLine(), text, "messages");
        var elapsed = Match(ElapsedLine(), text, "elapsed");
        var limited = Match(FrequencyLimitedLine(), text, "frequency-limited");
        var budget = Match(BudgetLine(), text, "budget");
        var state = Match(StateCheckLine(), text, "state check");
        var endpoints = EndpointNames.Select(name => ParseEndpoint(text, name)).ToArray();
        return new DemoSummary(
            Long(messages, "messages"),
            Double(elapsed, "seconds"),
            Long(limited, "answers"),
            Long(limited, "violations"),
            Double(budget, "budget"),
            endpoints,
            state.Groups["result"].Value.Trim(),
            RequestsPackedLine().Match(text) is { Success: true } packed ? packed.Groups["packed"].Value.Trim() : "(not printed)");
    }

    private static EndpointFigures ParseEndpoint(string text, string name)
    {
        var row = new Regex($@"^\s*{Regex.Escape(name)}\s+(?<calls>[\d,]+)\s+(?<ok>[\d,]+)\s+(?<applied>[\d,]+)\s+(?<mean>[\d.]+)\s+(?<rate>[\d.]+)\s+\([^)]*\)\s+(?<backlog>[\d.]+)\s+\([^)]*\)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        var match = Match(row, text, $"endpoint row {name}");
        return new EndpointFigures(
            name,
            Long(match, "calls"),
            Long(match, "ok"),
            Long(match, "applied"),
            Double(match, "mean"),
            Double(match, "rate"),
            Double(match, "backlog"));
    }

    private static System.Text.RegularExpressions.Match Match(Regex regex, string text, string line)
    {
        var match = regex.Match(text);
        return match.Success ? match : throw new FormatException($"The demo summary has no recognisable '{line}' line.");
    }

    private static long Long(System.Text.RegularExpressions.Match match, string group) =>
        long.Parse(match.Groups[group].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static double Double(System.Text.RegularExpressions.Match match, string group) =>
        double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*messages\s+(?<messages>[\d,]+)\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MessagesLine();

    [GeneratedRegex(@"^\s*elapsed\s+(?<seconds>[\d.]+) s\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ElapsedLine();

    [GeneratedRegex(@"^\s*frequency-limited\s+(?<answers>[\d,]+) answers\D+(?<violations>[\d,]+) violations", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FrequencyLimitedLine();

    [GeneratedRegex(@"budget of (?<budget>[\d.]+) per endpoint", RegexOptions.CultureInvariant)]
    private static partial Regex BudgetLine();

    [GeneratedRegex(@"^\s*requests packed\s+(?<packed>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RequestsPackedLine();

    [GeneratedRegex(@"^\s*state check\s+(?<result>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StateCheckLine();
}
