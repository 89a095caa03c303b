namespace TagWorker.Demo;

/// <summary>
/// The demo's progress line. On a terminal it is one line redrawn in place (<c>\r</c>) at every sample; when the
/// output is a file or a pipe (CI, <c>| tee</c>) a redrawn line would pile up into one endless line, so it prints a
/// plain line every <see cref="DemoSettings.ProgressLineInterval"/> of the run's elapsed time instead.
/// </summary>
internal sealed class DemoProgress
{
    private readonly TextWriter _output;
    private readonly bool _redraw;
    private readonly TimeSpan _lineInterval;
    private TimeSpan _nextLineAt;
    private bool _lineOpen;

    /// <param name="output">Where the progress goes.</param>
    /// <param name="redraw">Whether <paramref name="output"/> is a terminal.</param>
    /// <param name="lineInterval">Elapsed time between plain lines when not redrawing.</param>
    public DemoProgress(TextWriter output, bool redraw, TimeSpan lineInterval)
    {
        _output = output;
        _redraw = redraw;
        _lineInterval = lineInterval;
        _nextLineAt = lineInterval;
    }

    /// <summary>Reports one sample; <paramref name="elapsed"/> comes from the run's TimeProvider.</summary>
    public void Report(TimeSpan elapsed, long settled, long total, long calls, long retries, long deadLettered)
    {
        var text = $"{elapsed.TotalSeconds,6:0.0} s  settled {settled,8:N0}/{total:N0}  calls {calls,6:N0}  ({calls / Math.Max(elapsed.TotalSeconds, 0.001),5:0} /s)  retries {retries,5:N0}  dead-lettered {deadLettered,3:N0}";
        if (_redraw)
        {
            _output.Write($"\r  {text}   ");
            _lineOpen = true;
            return;
        }

        if (elapsed < _nextLineAt)
        {
            return;
        }

        _output.WriteLine($"  {text}");
        // The next line is due one interval after this one, however late this sample came.
        _nextLineAt = elapsed + _lineInterval;
    }

    /// <summary>Ends a redrawn line, so that what follows starts on a line of its own.</summary>
    public void Complete()
    {
        if (_lineOpen)
        {
            _output.WriteLine();
            _lineOpen = false;
        }
    }
}
