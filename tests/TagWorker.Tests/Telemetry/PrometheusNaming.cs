using System.Text;
using System.Text.RegularExpressions;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

/// <summary>
/// The names a Prometheus server stores for an OpenTelemetry instrument (the exporter's and the collector's default
/// translation: dots to underscores, the unit as a suffix with annotations dropped, <c>_total</c> on counters,
/// <c>_bucket</c>/<c>_sum</c>/<c>_count</c> on histograms). <see cref="ScrapeTests"/> checks these rules against the real
/// exporter, so the dashboard test can rely on them.
/// </summary>
internal static partial class PrometheusNaming
{
    /// <summary>The metric family name, as in <c># TYPE</c> lines.</summary>
    public static string Family(InstrumentDescription instrument)
    {
        var name = Sanitize(instrument.Name);
        var unit = Unit(instrument.Unit);
        if (unit.Length > 0 && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return instrument.Kind == InstrumentKind.Counter ? name + "_total" : name;
    }

    /// <summary>The series names a query can select.</summary>
    public static IEnumerable<string> Series(InstrumentDescription instrument)
    {
        var family = Family(instrument);
        return instrument.Kind == InstrumentKind.Histogram ? [family + "_bucket", family + "_sum", family + "_count"] : [family];
    }

    /// <summary>An attribute's label name.</summary>
    public static string Label(string attribute) => Sanitize(attribute);

    private static string Unit(string unit)
    {
        var plain = Annotation().Replace(unit, string.Empty);
        var parts = plain.Split('/');
        var numerator = Word(parts[0]);
        if (parts.Length == 1)
        {
            return numerator;
        }

        var denominator = parts[1] switch { "s" => "second", "m" => "minute", "h" => "hour", "d" => "day", var other => Word(other) };
        return numerator.Length == 0 ? "per_" + denominator : numerator + "_per_" + denominator;
    }

    private static string Word(string unit) => unit switch
    {
        "" => string.Empty,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        "1" => string.Empty,
        var other => Sanitize(other),
    };

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        return Underscores().Replace(builder.ToString(), "_");
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Annotation();

    [GeneratedRegex("_{2,}")]
    private static partial Regex Underscores();
}
