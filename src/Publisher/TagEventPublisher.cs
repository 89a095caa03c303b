using System.Globalization;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using TagWorker.Contracts;
using TagWorker.Publisher.Internal;

namespace TagWorker.Publisher;

/// <summary>
/// The <see cref="ITagEventPublisher"/> for Azure Service Bus. Each call:
/// <list type="number">
/// <item>validates every event with the contract's rules and refuses the whole call, naming the first invalid event
/// and its fields, before anything is sent (<see cref="InvalidTagEventException"/>);</item>
/// <item>when <see cref="TagEventPublisherOptions.SessionsEnabled"/>, splits an event whose users fall in several
/// partitions into one event per partition (<see cref="TagEventMessages"/>; ids by <see cref="SplitEventId"/>) and
/// sets <c>SessionId</c> = the partition;</item>
/// <item>sets <c>MessageId</c> = <c>eventId</c> (duplicate detection), content type <c>application/json</c>, and
/// <c>Diagnostic-Id</c> from <see cref="System.Diagnostics.Activity.Current"/> when there is one;</item>
/// <item>sends in batches as large as the entity allows (or <see cref="TagEventPublisherOptions.MaxMessagesPerBatch"/>),
/// one session per batch, each session's messages — so each user's events — in the order given.</item>
/// </list>
/// Thread-safe: calls may overlap, but only the messages of one call are ordered among themselves.
/// </summary>
public sealed class TagEventPublisher : ITagEventPublisher, IAsyncDisposable
{
    private readonly ServiceBusClient? _ownedClient;
    private readonly ServiceBusSender _sender;
    private readonly int? _partitionCount;
    private readonly int? _maxMessagesPerBatch;

    /// <summary>A publisher sending through <paramref name="client"/>, which the caller keeps and disposes.</summary>
    /// <param name="client">The Service Bus client; its connection settings in <paramref name="options"/> are not used.</param>
    /// <param name="options">The entity, sessions and batching.</param>
    /// <exception cref="ArgumentException">The options name no single entity, or sessions without a valid partition count.</exception>
    public TagEventPublisher(ServiceBusClient client, TagEventPublisherOptions options)
        : this(client, options, ownsClient: false)
    {
    }

    private TagEventPublisher(ServiceBusClient client, TagEventPublisherOptions options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        new TagEventPublisherOptionsValidator(TagEventPublisherOptions.DefaultSectionName, () => false).ValidateEntity(options, failures);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _ownedClient = ownsClient ? client : null;
        _partitionCount = options.EffectivePartitionCount;
        _maxMessagesPerBatch = options.MaxMessagesPerBatch;
        EntityName = options.EntityName;
        _sender = client.CreateSender(EntityName);
    }

    /// <summary>The queue or topic messages are sent to.</summary>
    public string EntityName { get; }

    /// <inheritdoc />
    public Task<TagEventPublishResult> PublishAsync(TagChangeEvent tagEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagEvent);
        return PublishAsync([tagEvent], cancellationToken);
    }

    /// <inheritdoc />
    public Task<TagEventPublishResult> PublishAsync(IEnumerable<TagChangeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        return SendPlannedAsync(TagEventMessages.Plan(events, _partitionCount), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TagEventPublishResult> PublishBodiesAsync(IEnumerable<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return SendPlannedAsync(TagEventMessages.PlanBodies(bodies, _partitionCount), cancellationToken);
    }

    /// <summary>
    /// Sends bodies exactly as given, valid or not — for exercising the worker's dead-lettering (the <c>enqueue</c>
    /// verb's <c>--no-validate</c>), not for production. No split; <c>MessageId</c> = the body's top-level string
    /// <c>eventId</c> when it has one of 1 to 128 characters; with sessions, <c>SessionId</c> = the partition of the
    /// first account in <c>users</c>. Batching and ordering as for the other calls.
    /// </summary>
    /// <exception cref="ArgumentException">With sessions, a body names no account to take the session from; nothing was sent.</exception>
    /// <inheritdoc cref="ITagEventPublisher.PublishAsync(IEnumerable{TagChangeEvent}, CancellationToken)" path="/exception[@cref='TagEventTooLargeException']"/>
    public async Task<TagEventPublishResult> PublishUnvalidatedBodiesAsync(IEnumerable<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var outgoing = new List<OutgoingMessage>();
        foreach (ReadOnlyMemory<byte> body in bodies)
        {
            outgoing.Add(Unvalidated(outgoing.Count, body, nameof(bodies)));
        }

        int batches = await MessageBatcher.SendAsync(_sender, outgoing, _maxMessagesPerBatch, cancellationToken).ConfigureAwait(false);
        return new TagEventPublishResult(outgoing.Count, outgoing.Count, batches, []);
    }

    /// <summary>Closes the sender, and the client when this publisher made it (registered through dependency injection).</summary>
    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync().ConfigureAwait(false);
        if (_ownedClient is not null)
        {
            await _ownedClient.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A publisher with a client of its own, made from the options' connection settings.</summary>
    internal static TagEventPublisher Create(TagEventPublisherOptions options, TokenCredential? registeredCredential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ServiceBusClient client = TagEventPublisherOptions.IsSet(options.ConnectionString)
            ? new ServiceBusClient(options.ConnectionString)
            : new ServiceBusClient(
                options.FullyQualifiedNamespace,
                options.Credential ?? registeredCredential ?? throw new InvalidOperationException(
                    $"{TagEventPublisherOptions.DefaultSectionName}:FullyQualifiedNamespace is set but no TokenCredential is given or registered."));
        return new TagEventPublisher(client, options, ownsClient: true);
    }

    private async Task<TagEventPublishResult> SendPlannedAsync(IReadOnlyList<TagEventMessage> planned, CancellationToken cancellationToken)
    {
        var outgoing = new List<OutgoingMessage>(planned.Count);
        foreach (TagEventMessage message in planned)
        {
            outgoing.Add(new OutgoingMessage(message.Index, message.MessageId, message.SessionId, message.ToServiceBusMessage()));
        }

        int batches = await MessageBatcher.SendAsync(_sender, outgoing, _maxMessagesPerBatch, cancellationToken).ConfigureAwait(false);
        int events = planned.Count == 0 ? 0 : planned[^1].Index + 1;
        return new TagEventPublishResult(events, planned.Count, batches, planned);
    }

    private OutgoingMessage Unvalidated(int index, ReadOnlyMemory<byte> body, string paramName)
    {
        (string? eventId, string? firstUser) = LenientEventFields.Read(body.Span);
        var message = new ServiceBusMessage(body) { ContentType = TagEventMessage.JsonContentType };
        string? messageId = eventId is { Length: > 0 and <= TagEventLimits.MaxEventIdLength } ? eventId : null;
        if (messageId is not null)
        {
            message.MessageId = messageId;
        }

        if (_partitionCount is { } partitions)
        {
            message.SessionId = firstUser is { Length: > 0 }
                ? TagEventPartitioner.SessionIdFor(firstUser, partitions)
                : throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Event {index} names no account in users, so it has no session; a session-enabled entity refuses it. Nothing was sent."),
                    paramName);
        }

        TagEventMessage.StampTraceContext(message);
        return new OutgoingMessage(index, messageId, message.SessionId, message);
    }
}
