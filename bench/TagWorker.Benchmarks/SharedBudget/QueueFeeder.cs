using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TagWorker.Contracts;
using TagWorker.Hosting;
using TagWorker.Sources;
using TagWorker.Sources.Local;

namespace TagWorker.Benchmarks.SharedBudget;

/// <summary>
/// Keeps one worker's local queue a few seconds of budget ahead of it: 100-user adds of new users, topped up to a
/// fixed number of unsettled messages (available + leased) each time it is asked.
/// </summary>
/// <remarks>
/// Why not the whole run's events up front: the worker leases all of them at once, and with hundreds of thousands of
/// users held its pipeline needed more than one of the two cores for the first 10–15 s, so the calls/s measured the
/// pipeline's start-up rather than the pacer (a single worker ramped from ~50 to ~97 calls/s over 15 s). A short
/// backlog keeps the budget busy without that.
/// </remarks>
internal sealed class QueueFeeder : IDisposable
{
    private readonly IHost _host;
    private readonly LocalQueue _queue;
    private readonly ITagEventWriter _writer;
    private readonly int _worker;
    private readonly DateTimeOffset _at = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private long _nextUser;

    public QueueFeeder(IReadOnlyDictionary<string, string> settings, int worker)
    {
        var builder = TagWorkerHost.CreateBuilder([], settings.ToDictionary(static s => s.Key, static s => (string?)s.Value));
        builder.AddTagWorker();
        _host = builder.Build();
        _queue = _host.Services.GetRequiredService<LocalQueue>();
        _writer = _host.Services.GetRequiredService<ITagEventWriter>();
        _worker = worker;
    }

    /// <summary>Users enqueued so far.</summary>
    public long Users => _nextUser;

    /// <summary>Enqueues new 100-user adds until the queue holds <paramref name="messages"/> unsettled ones.</summary>
    public async Task TopUpAsync(int messages, CancellationToken cancellationToken)
    {
        var counts = await _queue.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        var missing = messages - (counts.Active + counts.Leased);
        if (missing <= 0)
        {
            return;
        }

        var bodies = new List<ReadOnlyMemory<byte>>((int)missing);
        for (var message = 0; message < missing; message++)
        {
            var first = _nextUser;
            var accounts = Enumerable.Range(0, 100).Select(i => Invariant($"w{_worker}u{first + i:D8}")).ToArray();
            bodies.Add(TagChangeEventSerializer.SerializeToUtf8Bytes(TagChangeEvents.Add(Invariant($"w{_worker}e{first:D8}"), _at, accounts, ["t"])));
            _nextUser += 100;
        }

        await _writer.EnqueueAsync(bodies, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _host.Dispose();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
