using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The <see cref="IDeadLetterStore"/> for Service Bus: the dead-letter sub-queue of the configured queue or
/// subscription. Listing and reading peek (nothing is locked or changed); removing receives in peek-lock mode until
/// it meets the message with the requested sequence number, completes that one and abandons every other it took, so a
/// failed or cancelled removal leaves the sub-queue as it was (the others' delivery counts go up by one).
/// </summary>
/// <remarks>
/// <see cref="DeadLetterRecord.Id"/> is the message's sequence number in the dead-letter sub-queue (the broker gives a
/// dead-lettered message a new one there), as text. Reason and description are the broker's
/// <c>DeadLetterReason</c>/<c>DeadLetterErrorDescription</c>; failed users, last error and the dead-letter time are
/// the application properties the source wrote (<see cref="SettlementProperties"/>). A dead letter the broker made by
/// itself (<c>MaxDeliveryCountExceeded</c>, expiry) has no <c>deadLetteredAt</c>; its enqueue time stands in.
/// </remarks>
public sealed class ServiceBusDeadLetterStore : IDeadLetterStore, IAsyncDisposable
{
    /// <summary>Messages one peek asks for while listing.</summary>
    internal const int PageSize = 100;

    /// <summary>Messages one receive asks for while looking for the one to remove.</summary>
    internal const int ReceiveBatchSize = 100;

    /// <summary>How long one receive waits while looking for the one to remove.</summary>
    internal static readonly TimeSpan ReceiveWaitTime = TimeSpan.FromSeconds(5);

    private readonly ServiceBusReceiver _receiver;

    /// <param name="client">The Service Bus client; <see cref="ServiceBusClient.CreateReceiver(string, ServiceBusReceiverOptions)"/> is the test seam.</param>
    /// <param name="options">The entity whose dead-letter sub-queue this is.</param>
    public ServiceBusDeadLetterStore(ServiceBusClient client, IOptions<ServiceBusSourceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ServiceBusSourceOptions settings = options.Value;
        var receiverOptions = new ServiceBusReceiverOptions
        {
            SubQueue = SubQueue.DeadLetter,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            // Prefetched dead letters would stay locked to this receiver until their locks expire.
            PrefetchCount = 0,
        };
        _receiver = ServiceBusSourceOptions.IsSet(settings.QueueName)
            ? client.CreateReceiver(settings.QueueName!, receiverOptions)
            : client.CreateReceiver(settings.TopicName!, settings.SubscriptionName!, receiverOptions);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DeadLetterRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Explicit positions: the receiver's own peek cursor would carry over from one listing to the next.
        long from = 1;
        while (true)
        {
            IReadOnlyList<ServiceBusReceivedMessage> page = await _receiver.PeekMessagesAsync(PageSize, from, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (ServiceBusReceivedMessage message in page)
            {
                yield return DeadLetterRecordReader.Read(message);
            }

            from = page[^1].SequenceNumber + 1;
        }
    }

    /// <inheritdoc />
    public async Task<DeadLetterRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } sequenceNumber)
        {
            return null;
        }

        ServiceBusReceivedMessage? message = await PeekAsync(sequenceNumber, cancellationToken).ConfigureAwait(false);
        return message is null ? null : DeadLetterRecordReader.Read(message);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } sequenceNumber
            || await PeekAsync(sequenceNumber, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        var taken = new List<ServiceBusReceivedMessage>();
        try
        {
            while (true)
            {
                IReadOnlyList<ServiceBusReceivedMessage> batch = await _receiver.ReceiveMessagesAsync(ReceiveBatchSize, ReceiveWaitTime, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    // Removed meanwhile, or locked elsewhere (another removal) until its lock expires.
                    return false;
                }

                foreach (ServiceBusReceivedMessage message in batch)
                {
                    taken.Add(message);
                }

                if (batch.FirstOrDefault(m => m.SequenceNumber == sequenceNumber) is { } target)
                {
                    // Once found, completing must not be cut short by the caller: the message is locked to us.
                    await _receiver.CompleteMessageAsync(target, CancellationToken.None).ConfigureAwait(false);
                    taken.Remove(target);
                    return true;
                }

                if (batch[^1].SequenceNumber > sequenceNumber)
                {
                    // Receives come in sequence order: it was passed, so someone else holds or removed it.
                    return false;
                }
            }
        }
        finally
        {
            await AbandonAllAsync(taken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _receiver.DisposeAsync();

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long sequenceNumber) && sequenceNumber > 0 ? sequenceNumber : null;

    private async Task<ServiceBusReceivedMessage?> PeekAsync(long sequenceNumber, CancellationToken cancellationToken)
    {
        IReadOnlyList<ServiceBusReceivedMessage> peeked = await _receiver.PeekMessagesAsync(1, sequenceNumber, cancellationToken).ConfigureAwait(false);
        return peeked.Count > 0 && peeked[0].SequenceNumber == sequenceNumber ? peeked[0] : null;
    }

    /// <summary>Puts back what a removal took but did not remove; never cancelled, so nothing stays locked to us.</summary>
    private async Task AbandonAllAsync(List<ServiceBusReceivedMessage> taken)
    {
        List<Exception>? failures = null;
        foreach (ServiceBusReceivedMessage message in taken)
        {
            try
            {
                await _receiver.AbandonMessageAsync(message, propertiesToModify: null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ServiceBusException exception)
            {
                // Its lock is gone already: it is back anyway. Anything else is the caller's to see.
                if (exception.Reason != ServiceBusFailureReason.MessageLockLost)
                {
                    (failures ??= []).Add(exception);
                }
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("Putting back dead letters taken while looking for one to remove failed; they come back when their locks expire.", failures);
        }
    }
}
