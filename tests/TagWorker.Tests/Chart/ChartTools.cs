using System.Diagnostics;
using System.Text.Json;
using TagWorker.Tests.Contracts;

namespace TagWorker.Tests.Chart;

/// <summary>
/// The real Helm 3 binary and the manifest validator (.ci/validate-manifests.mjs with the Kubernetes, KEDA and
/// Prometheus Operator schemas). Paths come from TAGWORKER_HELM and TAGWORKER_NODE_MODULES, which .ci/run sets after
/// running .ci/fetch-tools. Without them a developer's run fetches the tools with the same script; with CI=true a
/// missing tool fails the tests instead, since CI must have run the fetch.
/// </summary>
public sealed class ChartTools : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public ChartTools()
    {
        var helm = Environment.GetEnvironmentVariable("TAGWORKER_HELM");
        var modules = Environment.GetEnvironmentVariable("TAGWORKER_NODE_MODULES");
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(helm) || string.IsNullOrEmpty(modules))
        {
            if (ci)
            {
                throw new InvalidOperationException("CI=true but TAGWORKER_HELM / TAGWORKER_NODE_MODULES are not set: .ci/run runs .ci/fetch-tools and sets them.");
            }

            var fetched = Run("bash", [RepositoryFiles.PathOf(".ci/fetch-tools")], stdin: null);
            if (fetched.ExitCode != 0)
            {
                throw new InvalidOperationException($".ci/fetch-tools failed ({fetched.ExitCode}): {fetched.Stderr}");
            }

            var paths = fetched.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split('=', 2))
                .ToDictionary(p => p[0], p => p[1]);
            helm = paths["TAGWORKER_HELM"];
            modules = paths["TAGWORKER_NODE_MODULES"];
        }

        if (!File.Exists(helm))
        {
            throw new InvalidOperationException($"No Helm binary at {helm} (TAGWORKER_HELM); .ci/fetch-tools fetches it.");
        }

        if (!Directory.Exists(Path.Combine(modules, "kubernetes-models")))
        {
            throw new InvalidOperationException($"No manifest schemas in {modules} (TAGWORKER_NODE_MODULES); .ci/fetch-tools installs them.");
        }

        Helm = helm;
        NodeModules = modules;
        Chart = RepositoryFiles.PathOf("deploy/helm/tagworker");
        HelmHome = Directory.CreateTempSubdirectory("tagworker-helm-").FullName;
    }

    public string Helm { get; }

    public string NodeModules { get; }

    public string Chart { get; }

    // Helm's cache, config and data folders: kept away from the user's, so runs neither read nor leave state there.
    private string HelmHome { get; }

    public static string ValuesFile(string name) => RepositoryFiles.PathOf($"deploy/helm/tagworker/ci/{name}");

    public void Dispose() => Directory.Delete(HelmHome, recursive: true);

    /// <summary>Runs helm with <paramref name="arguments"/>.</summary>
    public CommandResult RunHelm(params string[] arguments) => Run(Helm, arguments, stdin: null, new Dictionary<string, string>
    {
        ["HELM_CACHE_HOME"] = Path.Combine(HelmHome, "cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(HelmHome, "config"),
        ["HELM_DATA_HOME"] = Path.Combine(HelmHome, "data"),
    });

    /// <summary><c>helm template</c> of the chart with <paramref name="arguments"/> (values files, --set).</summary>
    public CommandResult Template(string release, params string[] arguments) =>
        RunHelm(["template", release, Chart, "--namespace", "messaging", .. arguments]);

    /// <summary>Renders and validates; fails the test with helm's or the validator's message otherwise.</summary>
    public RenderedChart RenderValid(string release, params string[] arguments)
    {
        var rendered = Template(release, arguments);
        Assert.True(rendered.ExitCode == 0, $"helm template failed: {rendered.Stderr}");
        var validated = Validate(rendered.Stdout);
        Assert.True(validated.ExitCode == 0, $"rendered manifests are not valid:\n{validated.Stderr}");
        using var json = JsonDocument.Parse(validated.Stdout);
        return new RenderedChart([.. json.RootElement.EnumerateArray().Select(e => e.Clone())]);
    }

    /// <summary>Runs the manifest validator on <paramref name="manifests"/>.</summary>
    public CommandResult Validate(string manifests) => Run(
        "node",
        [RepositoryFiles.PathOf(".ci/validate-manifests.mjs")],
        manifests,
        new Dictionary<string, string> { ["TAGWORKER_NODE_MODULES"] = NodeModules });

    private static CommandResult Run(string file, IReadOnlyList<string> arguments, string? stdin, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        }

        return new CommandResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);
