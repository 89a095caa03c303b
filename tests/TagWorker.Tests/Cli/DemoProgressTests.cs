using TagWorker.Demo;

namespace TagWorker.Tests.Cli;

/// <summary>The demo's progress: redrawn in place on a terminal, a plain line every few seconds otherwise.</summary>
public class DemoProgressTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public void Report_NotATerminal_PrintsAPlainLineOnceEveryIntervalAndNoCarriageReturn()
    {
        using var output = new StringWriter();
        var progress = new DemoProgress(output, redraw: false, Interval);

        foreach (var ms in new[] { 200, 4_800, 5_000, 5_200, 9_800, 10_400, 12_000, 16_000 })
        {
            progress.Report(TimeSpan.FromMilliseconds(ms), settled: ms, total: 20_000, calls: ms / 10, retries: 1, deadLettered: 0);
        }

        progress.Complete();

        var text = output.ToString();
        Assert.DoesNotContain('\r', text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("5.0 s  settled    5,000/20,000", lines[0], StringComparison.Ordinal);
        Assert.Contains("10.4 s", lines[1], StringComparison.Ordinal);
        Assert.Contains("16.0 s", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Terminal_RedrawsOneLineAndEndsIt()
    {
        using var output = new StringWriter();
        var progress = new DemoProgress(output, redraw: true, Interval);

        progress.Report(TimeSpan.FromMilliseconds(200), 10, 100, 1, 0, 0);
        progress.Report(TimeSpan.FromMilliseconds(400), 20, 100, 2, 0, 0);
        progress.Complete();

        var text = output.ToString();
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.Equal(1, text.Count(c => c == '\n'));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_NothingRedrawn_PrintsNothing()
    {
        using var output = new StringWriter();
        var progress = new DemoProgress(output, redraw: false, Interval);

        progress.Report(TimeSpan.FromSeconds(1), 1, 2, 0, 0, 0);
        progress.Complete();

        Assert.Empty(output.ToString());
    }
}
