using Azure.Messaging.ServiceBus;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// Sends messages in <see cref="ServiceBusMessageBatch"/>es as large as the entity allows (the SDK sizes each batch
/// from the link's limit), one session per batch, each session's messages in the given order.
/// </summary>
/// <remarks>
/// A batch never mixes sessions because a partitioned entity refuses a batch of different <c>SessionId</c>s, and
/// whether the entity is partitioned cannot be seen from the sender. Every batch is filled before the first is
/// sent, so a message that fits no batch stops the call before anything is sent; the cost is holding the call's
/// messages once more, encoded, until they are sent.
/// </remarks>
internal static class MessageBatcher
{
    /// <returns>How many batches were sent.</returns>
    public static async Task<int> SendAsync(
        ServiceBusSender sender, IReadOnlyList<OutgoingMessage> messages, int? maxMessagesPerBatch, CancellationToken cancellationToken)
    {
        var batches = new List<ServiceBusMessageBatch>();
        try
        {
            foreach (List<OutgoingMessage> session in GroupBySession(messages))
            {
                await FillAsync(sender, session, maxMessagesPerBatch, batches, cancellationToken).ConfigureAwait(false);
            }

            foreach (ServiceBusMessageBatch batch in batches)
            {
                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            return batches.Count;
        }
        finally
        {
            foreach (ServiceBusMessageBatch batch in batches)
            {
                batch.Dispose();
            }
        }
    }

    /// <summary>The messages by session, sessions in order of first appearance, each in the given order.</summary>
    public static List<List<OutgoingMessage>> GroupBySession(IReadOnlyList<OutgoingMessage> messages)
    {
        var groups = new List<List<OutgoingMessage>>();
        var bySession = new Dictionary<string, List<OutgoingMessage>>(StringComparer.Ordinal);
        foreach (OutgoingMessage message in messages)
        {
            string session = message.SessionId ?? string.Empty;
            if (!bySession.TryGetValue(session, out List<OutgoingMessage>? group))
            {
                group = [];
                bySession.Add(session, group);
                groups.Add(group);
            }

            group.Add(message);
        }

        return groups;
    }

    private static async Task FillAsync(
        ServiceBusSender sender,
        List<OutgoingMessage> session,
        int? maxMessagesPerBatch,
        List<ServiceBusMessageBatch> batches,
        CancellationToken cancellationToken)
    {
        ServiceBusMessageBatch? batch = null;
        foreach (OutgoingMessage outgoing in session)
        {
            if (batch is null || batch.Count >= maxMessagesPerBatch)
            {
                batch = await NewBatchAsync(sender, batches, cancellationToken).ConfigureAwait(false);
            }

            if (batch.TryAddMessage(outgoing.Message))
            {
                continue;
            }

            if (batch.Count == 0)
            {
                throw TooLarge(outgoing, batch);
            }

            batch = await NewBatchAsync(sender, batches, cancellationToken).ConfigureAwait(false);
            if (!batch.TryAddMessage(outgoing.Message))
            {
                throw TooLarge(outgoing, batch);
            }
        }
    }

    private static async Task<ServiceBusMessageBatch> NewBatchAsync(
        ServiceBusSender sender, List<ServiceBusMessageBatch> batches, CancellationToken cancellationToken)
    {
        ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
        batches.Add(batch);
        return batch;
    }

    private static TagEventTooLargeException TooLarge(OutgoingMessage outgoing, ServiceBusMessageBatch batch) =>
        new(outgoing.Index, outgoing.MessageId, outgoing.Message.Body.ToMemory().Length, batch.MaxSizeInBytes);
}
