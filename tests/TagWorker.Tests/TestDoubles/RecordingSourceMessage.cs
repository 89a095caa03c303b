using System.Text;
using TagWorker.Sources;

namespace TagWorker.Tests.TestDoubles;

/// <summary>
/// A source message that records how it was settled and lets tests await the settlement. It can also play the
/// broker's failures: its lock can be lost (<see cref="LoseLock"/>), and its settle can be made to fail as a lost
/// lock does (<see cref="FailSettlement"/>), optionally only after a gate opens (<see cref="SettleGate"/>).
/// </summary>
internal sealed class RecordingSourceMessage(string messageId, byte[] body, int deliveryCount = 1, long sequenceNumber = -1) : SourceMessage, IDisposable
{
    // Messages made without a sequence number get increasing ones, as a broker would give in enqueue order.
    private static long s_lastSequence;

    private readonly TaskCompletionSource<string> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _settleStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lockLost = new();

    public static RecordingSourceMessage FromJson(string messageId, string json) => new(messageId, Encoding.UTF8.GetBytes(json));

    public override string MessageId { get; } = messageId;

    public override ReadOnlyMemory<byte> Body { get; } = body;

    public override int DeliveryCount { get; } = deliveryCount;

    public override long SequenceNumber { get; } = sequenceNumber >= 0 ? sequenceNumber : Interlocked.Increment(ref s_lastSequence);

    public override string? SessionId => Session;

    public override int? MaxDeliveryCount => MaxDeliveries;

    public override CancellationToken LockLost => _lockLost.Token;

    /// <summary>The session the message is in (<see cref="SessionId"/>), or null for an entity without sessions.</summary>
    public string? Session { get; init; }

    /// <summary>The broker's <c>MaxDeliveryCount</c> as the message reports it (<see cref="MaxDeliveryCount"/>).</summary>
    public int? MaxDeliveries { get; init; }

    /// <summary>When set, every settle of this message throws after it was recorded, as a lost lock makes the broker refuse it.</summary>
    public bool FailSettlement { get; set; }

    /// <summary>When set, a settle waits for this task before it is recorded (a slow broker).</summary>
    public Task? SettleGate { get; set; }

    public IReadOnlyList<FailedUser>? FailedUsers { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>"completed", "abandoned" or "dead-lettered": what was asked of the broker, whether or not it refused.</summary>
    public Task<string> Settled => _settled.Task;

    /// <summary>Completes when a settle was asked for (before <see cref="SettleGate"/> opens).</summary>
    public Task SettleStarted => _settleStarted.Task;

    /// <summary>Whether the settle was refused (<see cref="FailSettlement"/>): the message is still the broker's.</summary>
    public bool SettleRefused { get; private set; }

    public string? DeadLetterReason { get; private set; }

    public string? DeadLetterDescription { get; private set; }

    /// <summary>Settlement order across messages, stamped from a shared counter.</summary>
    public long SettledSequence { get; private set; }

    public SettlementLog? Log { get; init; }

    /// <summary>
    /// When set, the broker's side of a settle: called inside it with the outcome asked for, it decides whether the
    /// broker accepts it (instead of <see cref="FailSettlement"/>), and what the broker does with the message (an
    /// abandoned one is available again) is done by the time the settle call returns.
    /// </summary>
    public Func<RecordingSourceMessage, string, bool>? Broker { get; set; }

    /// <summary>Loses the message's lock, as the source reports a refused renewal or a lost session.</summary>
    public void LoseLock() => _lockLost.Cancel();

    /// <summary>The broker's next delivery of this message: same id, body, sequence number and session, one delivery more.</summary>
    public RecordingSourceMessage Redeliver() =>
        new(MessageId, Body.ToArray(), DeliveryCount + 1, SequenceNumber) { Session = Session, MaxDeliveries = MaxDeliveries, Log = Log };

    public void Dispose() => _lockLost.Dispose();

    protected override Task OnCompleteAsync(CancellationToken cancellationToken) => RecordAsync("completed");

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken)
    {
        LastError = lastError;
        return RecordAsync("abandoned");
    }

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken)
    {
        DeadLetterReason = details.Reason;
        DeadLetterDescription = details.Description;
        FailedUsers = details.FailedUsers;
        return RecordAsync("dead-lettered");
    }

    private async Task RecordAsync(string outcome)
    {
        _settleStarted.TrySetResult();
        if (SettleGate is { } gate)
        {
            await gate.ConfigureAwait(false);
        }

        SettleRefused = !(Broker?.Invoke(this, outcome) ?? !FailSettlement);
        SettledSequence = Log?.Next(MessageId) ?? 0;
        _settled.TrySetResult(outcome);
        if (SettleRefused)
        {
            throw new InvalidOperationException($"The lock of message {MessageId} was lost; the broker refused to settle it (test).");
        }
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
