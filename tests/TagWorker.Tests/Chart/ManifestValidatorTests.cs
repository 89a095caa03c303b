namespace TagWorker.Tests.Chart;

/// <summary>The validator the chart tests rely on finds what the API server would refuse (so a pass means something).</summary>
public sealed class ManifestValidatorTests(ChartTools tools) : IClassFixture<ChartTools>
{
    [Theory]
    [InlineData("a port that is not a number", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: http\n", "port must be integer")]
    [InlineData("a StatefulSet name over 52", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nspec:\n  serviceName: s\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n", "at most 52")]
    [InlineData("a label over 63", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app.kubernetes.io/instance: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "not a valid label value")]
    [InlineData("an unknown kind", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", "no schema for example.com/v1 Widget")]
    [InlineData("a KEDA ScaledObject without a target", "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\nspec:\n  triggers: []\n", "scaleTargetRef")]
    [InlineData("an env var set twice", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: s\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i, env: [{name: A, value: '1'}, {name: A, value: '2'}]}]}\n", "sets A more than once")]
    public void Validate_AnInvalidManifest_IsReported(string what, string manifest, string problem)
    {
        var result = tools.Validate(manifest);

        Assert.True(result.ExitCode != 0, $"{what}: accepted");
        Assert.Contains(problem, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AValidManifest_IsReturnedAsJson()
    {
        var result = tools.Validate("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: '1'\n");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("""[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"A":"1"}}]""", result.Stdout);
    }
}
