using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>
/// A <see cref="ServiceBusSender"/> test double: batches come from <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/>
/// holding at most <see cref="MessagesPerBatch"/> messages, and each sent batch is recorded in order.
/// </summary>
internal sealed class RecordingSender : ServiceBusSender
{
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _contents = [];

    public int MessagesPerBatch { get; set; } = 100;

    public List<IReadOnlyList<ServiceBusMessage>> SentBatches { get; } = [];

    public bool Disposed { get; private set; }

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        var store = new List<ServiceBusMessage>();
        int capacity = MessagesPerBatch;
        ServiceBusMessageBatch batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: 1024,
            batchMessageStore: store,
            batchOptions: options,
            tryAddCallback: _ => store.Count < capacity);
        _contents.Add(batch, store);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        SentBatches.Add([.. _contents[messageBatch]]);
        return Task.CompletedTask;
    }

    // DisposeAsync closes through CloseAsync.
    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Disposed = true;
        return Task.CompletedTask;
    }
}
