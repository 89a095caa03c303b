using System.Globalization;
using System.Runtime.CompilerServices;

namespace TagWorker.Sources.Local;

/// <summary>
/// The local queue's dead-letter table as an <see cref="IDeadLetterStore"/>, for the <c>deadletters</c> verbs. A
/// record's <see cref="DeadLetterRecord.Id"/> is the message's sequence number. Needs no ownership of the queue, so
/// it works from another process while a worker runs.
/// </summary>
public sealed class LocalDeadLetterStore : IDeadLetterStore
{
    // Listing pages through the table by sequence number, so a long list never holds the queue's I/O thread for long.
    private const int PageSize = 500;

    private readonly LocalQueue _queue;

    public LocalDeadLetterStore(LocalQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DeadLetterRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var page = await _queue.ReadDeadLettersAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var deadLetter in page)
            {
                yield return ToRecord(deadLetter);
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].SequenceNumber;
        }
    }

    /// <inheritdoc />
    public async Task<DeadLetterRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var sequenceNumber))
        {
            return null;
        }

        var deadLetter = await _queue.GetDeadLetterAsync(sequenceNumber, cancellationToken).ConfigureAwait(false);
        return deadLetter is null ? null : ToRecord(deadLetter);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) =>
        TryParseId(id, out var sequenceNumber)
            ? _queue.RemoveDeadLetterAsync(sequenceNumber, cancellationToken)
            : Task.FromResult(false);

    private static bool TryParseId(string id, out long sequenceNumber)
    {
        ArgumentNullException.ThrowIfNull(id);
        return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out sequenceNumber);
    }

    // Schema version 1 did not keep a dead letter's enqueue time: such records show the Unix epoch.
    private static DeadLetterRecord ToRecord(DeadLetteredMessage deadLetter) => new(
        deadLetter.SequenceNumber.ToString(CultureInfo.InvariantCulture),
        deadLetter.MessageId,
        deadLetter.Reason,
        deadLetter.Description,
        deadLetter.DeliveryCount,
        deadLetter.EnqueuedAt ?? DateTimeOffset.UnixEpoch,
        deadLetter.DeadLetteredAt,
        deadLetter.Body,
        deadLetter.FailedUsers,
        deadLetter.LastError);
}
