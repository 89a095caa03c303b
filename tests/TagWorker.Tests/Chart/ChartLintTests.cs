namespace TagWorker.Tests.Chart;

/// <summary><c>helm lint --strict</c> with the real Helm 3 binary.</summary>
public sealed class ChartLintTests(ChartTools tools) : IClassFixture<ChartTools>
{
    public static TheoryData<string> ValuesFiles() =>
        [.. Directory.GetFiles(Path.GetDirectoryName(ChartTools.ValuesFile("x"))!, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Lint_Strict_ValuesFile_Passes(string valuesFile)
    {
        var lint = tools.RunHelm("lint", "--strict", tools.Chart, "-f", ChartTools.ValuesFile(valuesFile));

        Assert.True(lint.ExitCode == 0, lint.Stdout + lint.Stderr);
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", lint.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_Strict_DefaultValues_Passes()
    {
        // Lint runs templates in lint mode, where `fail` is only reported (INFO): the refusals are checked by
        // ChartRefusalTests with `helm template`.
        var lint = tools.RunHelm("lint", "--strict", tools.Chart);

        Assert.True(lint.ExitCode == 0, lint.Stdout + lint.Stderr);
    }

    [Fact]
    public void ValuesFiles_CoverTheDeploymentsTheIssueNames()
    {
        Assert.Equal(
            ["keda-workload-identity-values.yaml", "minimal-values.yaml", "redis-servicemonitor-values.yaml", "sessions-3-replicas-values.yaml", "topic-connection-string-values.yaml"],
            ValuesFiles().Select(row => (string)row.Data));
    }
}
