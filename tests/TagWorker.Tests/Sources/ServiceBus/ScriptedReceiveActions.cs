using System.Threading.Channels;
using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>One call to <see cref="ProcessorReceiveActions.ReceiveMessagesAsync"/>.</summary>
internal sealed record ReceiveRequest(int MaxMessages, TimeSpan? MaxWaitTime, CancellationToken Token);

/// <summary>
/// A <see cref="ProcessorReceiveActions"/> test double (its protected constructor is the SDK's mocking seam): each
/// receive is announced on <see cref="Requests"/> and answered with the next batch the test supplies through
/// <see cref="Supply"/> (or failed with the exception given to <see cref="Fail"/>), or cancelled by its token.
/// </summary>
internal sealed class ScriptedReceiveActions : ProcessorReceiveActions
{
    private readonly Channel<object> _answers = Channel.CreateUnbounded<object>();
    private readonly Channel<ReceiveRequest> _requests = Channel.CreateUnbounded<ReceiveRequest>();

    public ChannelReader<ReceiveRequest> Requests => _requests.Reader;

    public void Supply(params ServiceBusReceivedMessage[] batch) => _answers.Writer.TryWrite(batch);

    public void Fail(Exception exception) => _answers.Writer.TryWrite(exception);

    public override async Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        _requests.Writer.TryWrite(new ReceiveRequest(maxMessages, maxWaitTime, cancellationToken));
        object answer = await _answers.Reader.ReadAsync(cancellationToken);
        return answer is Exception exception ? throw exception : (IReadOnlyList<ServiceBusReceivedMessage>)answer;
    }
}

/// <summary><see cref="ProcessMessageEventArgs"/> whose receive actions are scripted.</summary>
internal sealed class ScriptedProcessMessageEventArgs(ServiceBusReceivedMessage message, ServiceBusReceiver receiver, ScriptedReceiveActions actions, CancellationToken cancellationToken)
    : ProcessMessageEventArgs(message, receiver, cancellationToken)
{
    public override ProcessorReceiveActions GetReceiveActions() => actions;

    /// <summary>Raises the SDK's lock-lost event for the trigger message, as its renewal loop does.</summary>
    public Task RaiseMessageLockLostAsync() => OnMessageLockLostAsync(new MessageLockLostEventArgs(Message, exception: null));
}

/// <summary><see cref="ProcessSessionMessageEventArgs"/> whose receive actions are scripted.</summary>
internal sealed class ScriptedProcessSessionMessageEventArgs(ServiceBusReceivedMessage message, ServiceBusSessionReceiver receiver, ScriptedReceiveActions actions, CancellationToken cancellationToken)
    : ProcessSessionMessageEventArgs(message, receiver, cancellationToken)
{
    public bool SessionReleased { get; private set; }

    public override ProcessorReceiveActions GetReceiveActions() => actions;

    public override void ReleaseSession() => SessionReleased = true;

    /// <summary>Raises the SDK's session-lock-lost event, as its session renewal loop does.</summary>
    public Task RaiseSessionLockLostAsync() =>
        OnSessionLockLostAsync(new SessionLockLostEventArgs(Message, SessionLockedUntil, new ServiceBusException("session lock lost", ServiceBusFailureReason.SessionLockLost)));
}
