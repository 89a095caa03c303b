using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TagWorker.Telemetry;
using TagWorker.Tests.Contracts;

namespace TagWorker.Tests.Telemetry;

/// <summary>
/// deploy/grafana/tagworker.json: valid JSON, and every query selects metrics and labels the code defines, under the
/// names Prometheus stores them (<see cref="PrometheusNaming"/>, checked against the real exporter by
/// <see cref="ScrapeTests"/>). A renamed instrument or attribute fails here instead of leaving a panel empty.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly HashSet<string> Series = [.. TagWorkerInstruments.All.SelectMany(PrometheusNaming.Series)];

    // Labels the worker's attributes become, and those Prometheus adds itself.
    private static readonly HashSet<string> Labels =
    [
        .. AttributeNames(typeof(TagWorkerAttributes)).Concat(AttributeNames(typeof(MessagingAttributes))).Select(PrometheusNaming.Label),
        "job", "instance", "le",
    ];

    private static readonly JsonElement Dashboard = Load();

    [Fact]
    public void Dashboard_EveryPanelQueriesOnlyMetricsTheCodeDefines()
    {
        var panels = Panels(Dashboard).Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.NotEmpty(panels);
        Assert.All(panels, panel =>
        {
            var title = panel.GetProperty("title").GetString();
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query");
            foreach (var target in targets)
            {
                var expr = target.GetProperty("expr").GetString()!;
                var (metrics, labels) = Parse(expr);
                Assert.True(metrics.Count > 0, $"panel '{title}': no TagWorker metric in {expr}");
                Assert.All(metrics, m => Assert.True(Series.Contains(m), $"panel '{title}': {m} is not a metric the code defines ({expr})"));
                labels.UnionWith(LegendLabels(target.GetProperty("legendFormat").GetString() ?? string.Empty));
                Assert.All(labels, l => Assert.True(Labels.Contains(l), $"panel '{title}': label {l} is not an attribute the code defines ({expr})"));
            }
        });
    }

    [Fact]
    public void Dashboard_TemplateQueriesUseDefinedMetrics()
    {
        var variables = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .ToList();

        Assert.Equal(["job", "instance"], variables.Select(v => v.GetProperty("name").GetString()));
        Assert.All(variables, v =>
        {
            var (metrics, labels) = Parse(v.GetProperty("definition").GetString()!);
            Assert.All(metrics, m => Assert.Contains(m, Series));
            Assert.All(labels, l => Assert.Contains(l, Labels));
        });
    }

    [Fact]
    public void Dashboard_ShowsWhatOperatorsWatch()
    {
        var queried = Panels(Dashboard).Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => Parse(t.GetProperty("expr").GetString()!).Metrics)
            .ToHashSet();

        // Calls against the limit, users per call, backlog, dead letters, frequency limits.
        foreach (var instrument in new[]
        {
            TagWorkerInstruments.Calls, TagWorkerInstruments.RateLimit, TagWorkerInstruments.UsersPerCall,
            TagWorkerInstruments.HeldMessages, TagWorkerInstruments.PendingUsers, TagWorkerInstruments.OldestPendingAge,
            TagWorkerInstruments.DeadLetters, TagWorkerInstruments.FrequencyLimited,
        })
        {
            Assert.Contains(PrometheusNaming.Series(instrument), queried.Contains);
        }
    }

    [Fact]
    public void Dashboard_PanelIdsAreUniqueAndEveryPanelUsesTheDatasourceVariable()
    {
        var panels = Panels(Dashboard).ToList();

        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels.Where(p => p.GetProperty("type").GetString() != "row"), p =>
            Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.Equal("tagworker", Dashboard.GetProperty("uid").GetString());
    }

    [Theory]
    [InlineData("""sum by (tagworker_im_endpoint) (rate(tagworker_im_calls_total{job=~"$job"}[5m]))""", "tagworker_im_calls_total", "job,tagworker_im_endpoint")]
    [InlineData("label_values(tagworker_im_calls_total, job)", "tagworker_im_calls_total", "job")]
    [InlineData("""histogram_quantile(0.5, sum by (le, x) (rate(messaging_process_duration_seconds_bucket{a="1", error_type!=""}[1m])))""", "messaging_process_duration_seconds_bucket", "a,error_type,le,x")]
    public void Parse_FindsMetricsAndLabels(string expr, string metric, string labels)
    {
        var parsed = Parse(expr);

        Assert.Equal([metric], parsed.Metrics);
        Assert.Equal(labels.Split(','), parsed.Labels.Order(StringComparer.Ordinal));
    }

    private static (List<string> Metrics, HashSet<string> Labels) Parse(string expr)
    {
        var labels = new HashSet<string>();
        var rest = Matchers().Replace(expr, m =>
        {
            foreach (Match label in MatcherLabel().Matches(m.Groups[1].Value))
            {
                labels.Add(label.Groups[1].Value);
            }

            return " ";
        });
        rest = Grouping().Replace(rest, m =>
        {
            labels.UnionWith(m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            return " ";
        });
        rest = LabelValues().Replace(rest, m =>
        {
            labels.Add(m.Groups[2].Value);
            return m.Groups[1].Value;
        });
        return ([.. MetricName().Matches(rest).Select(m => m.Value)], labels);
    }

    private static IEnumerable<string> LegendLabels(string legend) => LegendLabel().Matches(legend).Select(m => m.Groups[1].Value);

    private static IEnumerable<JsonElement> Panels(JsonElement container)
    {
        foreach (var panel in container.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out _))
            {
                foreach (var nested in Panels(panel))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<string> AttributeNames(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.Contains('.', StringComparison.Ordinal));

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/grafana/tagworker.json")));
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"label_values\(([^,]*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\b(?:tagworker|messaging)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabel();
}
