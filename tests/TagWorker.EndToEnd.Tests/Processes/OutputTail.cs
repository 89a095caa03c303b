namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// The last lines a child process wrote (standard output and error interleaved), kept so that a failure can show
/// what the process said without holding a whole run's log in memory. Thread-safe: the process's output events
/// arrive on pool threads.
/// </summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public override string ToString() => Last(capacity);

    /// <summary>The last <paramref name="count"/> lines kept, one a line.</summary>
    public string Last(int count)
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }
}
