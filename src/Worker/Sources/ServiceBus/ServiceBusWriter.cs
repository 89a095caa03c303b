using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The <see cref="ITagEventWriter"/> for Azure Service Bus: sends event bodies to the queue or topic in batches as
/// large as the entity allows, with content type <c>application/json</c>, <c>MessageId</c> = the event's
/// <c>eventId</c> when the body has one of at most 128 characters (so duplicate detection drops a re-sent event),
/// and, when <see cref="ServiceBusSourceOptions.SessionsEnabled"/>, <c>SessionId</c> from the injected
/// <see cref="ServiceBusSessionIdSelector"/>.
/// </summary>
/// <remarks>
/// With sessions the bodies are sent grouped by session, each group in the given order: order matters within a
/// session only, and a batch then never mixes sessions (partitioned entities reject that).
/// </remarks>
public sealed class ServiceBusWriter : ITagEventWriter, IAsyncDisposable
{
    private const string JsonContentType = "application/json";

    private readonly ServiceBusSender _sender;
    private readonly ServiceBusSessionIdSelector? _sessionIdSelector;

    /// <param name="client">The Service Bus client.</param>
    /// <param name="options">The entity and whether it uses sessions.</param>
    /// <param name="sessionIdSelector">Required when sessions are enabled; ignored otherwise.</param>
    /// <exception cref="InvalidOperationException">Sessions are enabled and no selector was given.</exception>
    public ServiceBusWriter(ServiceBusClient client, IOptions<ServiceBusSourceOptions> options, ServiceBusSessionIdSelector? sessionIdSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ServiceBusSourceOptions settings = options.Value;
        if (settings.SessionsEnabled && sessionIdSelector is null)
        {
            throw new InvalidOperationException(
                $"{ServiceBusSourceOptions.SectionName}:SessionsEnabled is true, but no {nameof(ServiceBusSessionIdSelector)} is registered to choose each message's SessionId.");
        }

        _sessionIdSelector = settings.SessionsEnabled ? sessionIdSelector : null;
        _sender = client.CreateSender(settings.SendEntityName);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">With sessions, the selector found no session for a body.</exception>
    /// <exception cref="InvalidOperationException">A body is larger than the entity's largest message.</exception>
    public async Task EnqueueAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        foreach (List<OutgoingMessage> group in Group(bodies))
        {
            await SendInBatchesAsync(group, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _sender.DisposeAsync();

    private List<List<OutgoingMessage>> Group(IReadOnlyList<ReadOnlyMemory<byte>> bodies)
    {
        var groups = new List<List<OutgoingMessage>>();
        var bySession = new Dictionary<string, List<OutgoingMessage>>(StringComparer.Ordinal);
        for (int index = 0; index < bodies.Count; index++)
        {
            ServiceBusMessage message = CreateMessage(bodies[index], index);
            string session = message.SessionId ?? string.Empty;
            if (!bySession.TryGetValue(session, out List<OutgoingMessage>? group))
            {
                group = [];
                bySession.Add(session, group);
                groups.Add(group);
            }

            group.Add(new OutgoingMessage(index, message));
        }

        return groups;
    }

    private ServiceBusMessage CreateMessage(ReadOnlyMemory<byte> body, int index)
    {
        var message = new ServiceBusMessage(body) { ContentType = JsonContentType };
        if (EventIdReader.Read(body.Span) is { Length: > 0 and <= ServiceBusLimits.MaxMessageIdLength } eventId)
        {
            message.MessageId = eventId;
        }

        if (_sessionIdSelector is not null)
        {
            message.SessionId = _sessionIdSelector(body) is { Length: > 0 } sessionId
                ? sessionId
                : throw new ArgumentException(
                    $"Event {index} has no session id: its users fall into more than one partition (split it per partition, docs/events.md) or its partition key could not be read; a session-enabled entity rejects messages without one.",
                    nameof(body));
        }

        return message;
    }

    private async Task SendInBatchesAsync(List<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ServiceBusMessageBatch batch = await _sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (OutgoingMessage outgoing in messages)
            {
                if (batch.TryAddMessage(outgoing.Message))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw TooLarge(outgoing, batch);
                }

                await _sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Dispose();
                batch = await _sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                if (!batch.TryAddMessage(outgoing.Message))
                {
                    throw TooLarge(outgoing, batch);
                }
            }

            if (batch.Count > 0)
            {
                await _sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }

    private static InvalidOperationException TooLarge(OutgoingMessage outgoing, ServiceBusMessageBatch batch) =>
        new($"Event {outgoing.Index} does not fit in a Service Bus message of at most {batch.MaxSizeInBytes} bytes.");

    private readonly record struct OutgoingMessage(int Index, ServiceBusMessage Message);
}
