using System.Globalization;
using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// A received Service Bus message handed to the pipeline. Settling it settles the broker message through the
/// handler scope that received it; once that call has finished, whether it succeeded or not, the
/// <c>onSettled</c> callback runs and then <see cref="Settlement"/> completes, which is what the handler waits for
/// before it lets the processor stop renewing the lock.
/// </summary>
internal sealed class ServiceBusSourceMessage : SourceMessage
{
    private readonly ServiceBusReceivedMessage _message;
    private readonly ReceiveScope _scope;
    private readonly Action? _onSettled;
    private readonly TaskCompletionSource _settlement = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="message">The broker message.</param>
    /// <param name="scope">The handler scope that received it and settles it.</param>
    /// <param name="onSettled">Runs once, synchronously, when the settlement call has finished.</param>
    public ServiceBusSourceMessage(ServiceBusReceivedMessage message, ReceiveScope scope, Action? onSettled = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(scope);
        _message = message;
        _scope = scope;
        _onSettled = onSettled;
    }

    /// <summary>The broker's MessageId, or the sequence number when the sender set none.</summary>
    public override string MessageId => _message.MessageId ?? _message.SequenceNumber.ToString(CultureInfo.InvariantCulture);

    public override ReadOnlyMemory<byte> Body => _message.Body.ToMemory();

    public override int DeliveryCount => _message.DeliveryCount;

    public override long SequenceNumber => _message.SequenceNumber;

    /// <summary>Completes when the settlement call has finished; never faults.</summary>
    internal Task Settlement => _settlement.Task;

    // The caller's token is deliberately not passed on: see ReceiveScope.
    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(() => _scope.CompleteAsync(_message));

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken) =>
        SettleAsync(() => _scope.DeadLetterAsync(
            _message,
            ServiceBusLimits.Truncate(details.Reason, ServiceBusLimits.MaxDeadLetterTextLength),
            ServiceBusLimits.Truncate(details.Description ?? string.Empty, ServiceBusLimits.MaxDeadLetterTextLength)));

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken) =>
        SettleAsync(() => _scope.AbandonAsync(_message));

    private async Task SettleAsync(Func<Task> settle)
    {
        try
        {
            await settle().ConfigureAwait(false);
        }
        finally
        {
            // Before the task completes, so whoever awaited the settlement sees its effect.
            _onSettled?.Invoke();
            _settlement.TrySetResult();
        }
    }
}
