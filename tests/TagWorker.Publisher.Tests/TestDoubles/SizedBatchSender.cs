using Azure.Messaging.ServiceBus;

namespace TagWorker.Publisher.Tests.TestDoubles;

/// <summary>
/// A <see cref="ServiceBusSender"/> test double whose batches come from
/// <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/> and accept messages while the sum of their body sizes
/// stays within <see cref="BatchSizeBytes"/> (the broker's rule, with the envelope left out); every sent batch is
/// recorded in order, and <see cref="FailSendNumber"/> makes one send throw.
/// </summary>
internal sealed class SizedBatchSender : ServiceBusSender
{
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _contents = [];

    public long BatchSizeBytes { get; set; } = 256 * 1024;

    public int BatchesCreated { get; private set; }

    public List<IReadOnlyList<ServiceBusMessage>> SentBatches { get; } = [];

    /// <summary>The 1-based send that throws, or 0 for none.</summary>
    public int FailSendNumber { get; set; }

    public bool Closed { get; private set; }

    public IEnumerable<ServiceBusMessage> Sent => SentBatches.SelectMany(batch => batch);

    public static long Size(ServiceBusMessage message) => message.Body.ToMemory().Length;

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BatchesCreated++;
        var store = new List<ServiceBusMessage>();
        long limit = BatchSizeBytes;
        ServiceBusMessageBatch batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: limit,
            batchMessageStore: store,
            batchOptions: new CreateMessageBatchOptions { MaxSizeInBytes = limit },
            tryAddCallback: message => store.Sum(Size) + Size(message) <= limit);
        _contents.Add(batch, store);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (SentBatches.Count + 1 == FailSendNumber)
        {
            throw new ServiceBusException("send failed (test)", ServiceBusFailureReason.ServiceCommunicationProblem);
        }

        SentBatches.Add([.. _contents[messageBatch]]);
        return Task.CompletedTask;
    }

    // DisposeAsync closes through CloseAsync; the base would touch a connection the mocking constructor never made.
    public override Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Closed = true;
        return Task.CompletedTask;
    }
}
