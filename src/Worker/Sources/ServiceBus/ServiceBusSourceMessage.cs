using System.Globalization;
using Azure.Messaging.ServiceBus;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// A received Service Bus message handed to the pipeline. Settling it settles the broker message through the
/// handler scope that received it. The message is <em>released</em> (its window slot given back, <see cref="Released"/>
/// completed) once that call has finished, whether it succeeded or not, or as soon as its lock is lost: the handler
/// waits for every message it handed out to be released before it lets the processor stop renewing locks, and it
/// never waits for a message whose lock is gone, since the pipeline will not settle that one.
/// </summary>
internal sealed class ServiceBusSourceMessage : SourceMessage
{
    /// <summary>The W3C trace context property; the SDK's own <c>Diagnostic-Id</c> is preferred.</summary>
    private const string TraceParentProperty = "traceparent";

    private const string DiagnosticIdProperty = "Diagnostic-Id";

    private readonly ServiceBusReceivedMessage _message;
    private readonly ReceiveScope _scope;
    private readonly LockWatch _lock;
    private readonly bool _ownsLock;
    private readonly MessageFacts _facts;
    private readonly Action? _onReleased;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _lockLostRegistration;
    private int _isReleased;

    /// <param name="message">The broker message.</param>
    /// <param name="scope">The handler scope that received it and settles it.</param>
    /// <param name="facts">What the source knows beyond the message: the entity's max delivery count, the clock.</param>
    /// <param name="lockWatch">The message's lock, or the session's (shared) with sessions; null to watch its own.</param>
    /// <param name="onReleased">Runs once, synchronously, when the message is released.</param>
    public ServiceBusSourceMessage(ServiceBusReceivedMessage message, ReceiveScope scope, MessageFacts facts, LockWatch? lockWatch = null, Action? onReleased = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(facts);
        _message = message;
        _scope = scope;
        _facts = facts;
        _onReleased = onReleased;
        _ownsLock = lockWatch is null;
        _lock = lockWatch ?? new LockWatch(() => scope.LockedUntil(message), facts.TimeProvider);
        _lockLostRegistration = _lock.Lost.UnsafeRegister(static state => ((ServiceBusSourceMessage)state!).Release(), this);
    }

    /// <summary>The broker's MessageId, or the sequence number when the sender set none.</summary>
    public override string MessageId => _message.MessageId ?? _message.SequenceNumber.ToString(CultureInfo.InvariantCulture);

    public override ReadOnlyMemory<byte> Body => _message.Body.ToMemory();

    public override int DeliveryCount => _message.DeliveryCount;

    public override long SequenceNumber => _message.SequenceNumber;

    /// <summary>The broker message's SessionId when it came from a session; null without sessions.</summary>
    public override string? SessionId => _scope.IsSession ? _message.SessionId : null;

    /// <summary>The message lock's end, or the session lock's with sessions, as last renewed.</summary>
    public override DateTimeOffset LockedUntil => _lock.LockedUntil;

    public override CancellationToken LockLost => _lock.Lost;

    public override int? MaxDeliveryCount => _facts.MaxDeliveryCount;

    public override string? DiagnosticId =>
        _message.ApplicationProperties.TryGetValue(DiagnosticIdProperty, out object? id) && id is string { Length: > 0 } diagnosticId
            ? diagnosticId
            : _message.ApplicationProperties.TryGetValue(TraceParentProperty, out object? parent) && parent is string { Length: > 0 } traceParent
                ? traceParent
                : null;

    /// <summary>Completes when the message was released (settled, or its lock lost); never faults.</summary>
    internal Task Released => _released.Task;

    internal ServiceBusReceivedMessage Received => _message;

    /// <summary>The SDK or a failed call reported this message's lock lost.</summary>
    internal void SignalLockLost() => _lock.Signal();

    // The caller's token is deliberately not passed on: see ReceiveScope.
    protected override Task OnCompleteAsync(CancellationToken cancellationToken) =>
        SettleAsync(static (self) => self._scope.CompleteAsync(self._message));

    protected override Task OnDeadLetterAsync(DeadLetterDetails details, CancellationToken cancellationToken)
    {
        string reason = ServiceBusLimits.Truncate(details.Reason, ServiceBusLimits.MaxDeadLetterTextLength);
        string description = ServiceBusLimits.Truncate(details.Description ?? string.Empty, ServiceBusLimits.MaxDeadLetterTextLength);
        Dictionary<string, object> properties = SettlementProperties.ForDeadLetter(details, _facts.TimeProvider.GetUtcNow());
        return SettleAsync(self => self._scope.DeadLetterAsync(self._message, reason, description, properties));
    }

    protected override Task OnAbandonAsync(string? lastError, CancellationToken cancellationToken)
    {
        Dictionary<string, object>? properties = SettlementProperties.ForAbandon(lastError);
        return SettleAsync(self => self._scope.AbandonAsync(self._message, properties));
    }

    private async Task SettleAsync(Func<ServiceBusSourceMessage, Task> settle)
    {
        try
        {
            // The broker would refuse it, and after the scope ended there is no receiver left to ask.
            if (_lock.IsLost)
            {
                throw new ServiceBusException(
                    $"The lock of message {MessageId} was lost before it was settled; the broker delivers it again.",
                    _scope.IsSession ? ServiceBusFailureReason.SessionLockLost : ServiceBusFailureReason.MessageLockLost);
            }

            await settle(this).ConfigureAwait(false);
        }
        catch (ServiceBusException exception) when (exception.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.SessionLockLost)
        {
            _lock.Signal();
            throw;
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _isReleased, 1) != 0)
        {
            return;
        }

        _lockLostRegistration.Unregister();
        if (_ownsLock)
        {
            _lock.Dispose();
        }

        // Before the task completes, so whoever awaited the release sees its effect.
        _onReleased?.Invoke();
        _released.TrySetResult();
    }
}
