using System.Text;
using TagWorker.Sources;

namespace TagWorker.Tests.TestDoubles;

/// <summary>A source message that records how it was settled and lets tests await the settlement.</summary>
internal sealed class RecordingSourceMessage(string messageId, byte[] body, int deliveryCount = 1, long sequenceNumber = -1) : SourceMessage
{
    // Messages made without a sequence number get increasing ones, as a broker would give in enqueue order.
    private static long s_lastSequence;

    private readonly TaskCompletionSource<string> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static RecordingSourceMessage FromJson(string messageId, string json) => new(messageId, Encoding.UTF8.GetBytes(json));

    public override string MessageId { get; } = messageId;

    public override ReadOnlyMemory<byte> Body { get; } = body;

    public override int DeliveryCount { get; } = deliveryCount;

    public override long SequenceNumber { get; } = sequenceNumber >= 0 ? sequenceNumber : Interlocked.Increment(ref s_lastSequence);

    public IReadOnlyList<FailedUser>? FailedUsers { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>"completed", "abandoned" or "dead-lettered".</summary>
    public Task<string> Settled => _settled.Task;

    public string? DeadLetterReason { get; private set; }

    public string? DeadLetterDescription { get; private set; }

    /// <summary>Settlement order across messages, stamped from a shared counter.</summary>
    public long SettledSequence { get; private set; }

    public SettlementLog? Log { get; init; }

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) => Record("completed");

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken)
    {
        LastError = lastError;
        return Record("abandoned");
    }

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken)
    {
        DeadLetterReason = details.Reason;
        DeadLetterDescription = details.Description;
        FailedUsers = details.FailedUsers;
        return Record("dead-lettered");
    }

    private Task Record(string outcome)
    {
        SettledSequence = Log?.Next(MessageId) ?? 0;
        _settled.TrySetResult(outcome);
        return Task.CompletedTask;
    }
}

/// <summary>Shared order of settlements.</summary>
internal sealed class SettlementLog
{
    private readonly List<string> _order = [];

    public IReadOnlyList<string> Order
    {
        get
        {
            lock (_order)
            {
                return [.. _order];
            }
        }
    }

    public long Next(string messageId)
    {
        lock (_order)
        {
            _order.Add(messageId);
            return _order.Count;
        }
    }
}
