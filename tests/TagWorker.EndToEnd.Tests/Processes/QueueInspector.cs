using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TagWorker.Hosting;
using TagWorker.Sources;
using TagWorker.Sources.Local;

namespace TagWorker.EndToEnd.Tests.Processes;

/// <summary>
/// Looks into a local queue file that a worker process is using, the way the CLI's tools do: through the worker's
/// own composition (a host built, never started, on the same settings), so whatever the worker registers for the
/// file (the queue, a dead-letter store) is what is read.
/// </summary>
internal sealed class QueueInspector : IDisposable
{
    private readonly IHost _host;
    private readonly LocalQueue _queue;
    private readonly IDeadLetterStore? _store;

    public QueueInspector(IReadOnlyDictionary<string, string?> workerSettings)
    {
        var builder = TagWorkerHost.CreateBuilder([], workerSettings);
        builder.AddTagWorker();
        _host = builder.Build();
        _queue = _host.Services.GetRequiredService<LocalQueue>();
        _store = _host.Services.GetService<IDeadLetterStore>();
    }

    /// <summary>Whether the worker registers an <see cref="IDeadLetterStore"/>, the only place failed users can be read from.</summary>
    public bool HasDeadLetterStore => _store is not null;

    public Task<LocalQueueCounts> CountsAsync(CancellationToken cancellationToken) => _queue.GetCountsAsync(cancellationToken);

    /// <summary>
    /// Every dead letter, oldest first: from the <see cref="IDeadLetterStore"/> when there is one (with failed users),
    /// otherwise from the queue's dead-letter table (failed users null).
    /// </summary>
    public async Task<IReadOnlyList<DeadLetterRecord>> DeadLettersAsync(CancellationToken cancellationToken)
    {
        var records = new List<DeadLetterRecord>();
        if (_store is not null)
        {
            await foreach (var record in _store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(record);
            }

            return records;
        }

        foreach (var message in await _queue.ReadDeadLettersAsync(100_000, cancellationToken).ConfigureAwait(false))
        {
            records.Add(new DeadLetterRecord(
                message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                message.MessageId,
                message.Reason,
                message.Description,
                message.DeliveryCount,
                default,
                message.DeadLetteredAt,
                message.Body,
                FailedUsers: null));
        }

        return records;
    }

    public void Dispose() => _host.Dispose();
}
