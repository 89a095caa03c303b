using System.Text;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using TagWorker.Sources;
using TagWorker.Sources.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

public sealed class ServiceBusSourceMessageTests
{
    private readonly SettlementRecorder _recorder = new();
    private readonly FakeTimeProvider _time = new();

    private MessageFacts Facts => new(MaxDeliveryCount: 10, _time);

    private ServiceBusSourceMessage Wrap(ServiceBusReceivedMessage message) =>
        new(message, new ProcessorReceiveScope(new ProcessMessageEventArgs(message, new RecordingReceiver(_recorder), CancellationToken.None)), Facts);

    [Fact]
    public void Properties_ReceivedMessage_ExposeIdBodyAndDeliveryCount()
    {
        var message = Wrap(TestMessages.Create("m-1", """{"eventId":"x"}""", deliveryCount: 3));

        Assert.Equal("m-1", message.MessageId);
        Assert.Equal("""{"eventId":"x"}""", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal(3, message.DeliveryCount);
    }

    [Fact]
    public void MessageId_SenderSetNone_IsSequenceNumber()
    {
        var message = Wrap(TestMessages.Create(messageId: null, sequenceNumber: 42));

        Assert.Equal("42", message.MessageId);
    }

    [Fact]
    public async Task CompleteAsync_CancelledToken_CompletesWithUncancellableToken()
    {
        ServiceBusReceivedMessage received = TestMessages.Create("m-1");
        var message = Wrap(received);

        await message.CompleteAsync(new CancellationToken(canceled: true));

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal("Complete", call.Kind);
        Assert.Same(received, call.Message);
        Assert.False(call.Token.CanBeCanceled);
        Assert.True(message.IsSettled);
        Assert.True(message.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task DeadLetterAsync_ReasonAndDescription_PassedToBroker()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.DeadLetterAsync("InvalidEvent", "users[0] is empty", TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal("DeadLetter", call.Kind);
        Assert.Equal("InvalidEvent", call.Reason);
        Assert.Equal("users[0] is empty", call.Description);
        Assert.False(call.Token.CanBeCanceled);
    }

    [Fact]
    public async Task DeadLetterAsync_TextLongerThanBrokerLimit_TruncatedTo4096WithEllipsis()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.DeadLetterAsync(new string('r', 5000), new string('d', 4097), TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal(4096, call.Reason!.Length);
        Assert.Equal(4096, call.Description!.Length);
        Assert.EndsWith("\u2026", call.Reason, StringComparison.Ordinal);
        Assert.StartsWith(new string('d', 4095), call.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterAsync_TextExactlyAtLimit_Unchanged()
    {
        var message = Wrap(TestMessages.Create("m-1"));
        string atLimit = new('r', 4096);

        await message.DeadLetterAsync(atLimit, atLimit, TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal(atLimit, call.Reason);
        Assert.Equal(atLimit, call.Description);
    }

    [Fact]
    public async Task DeadLetterAsync_CutFallsInsideSurrogatePair_PairDropped()
    {
        var message = Wrap(TestMessages.Create("m-1"));
        // 4094 letters then an emoji (a surrogate pair at 4094-4095) then more: the cut at 4095 would split it.
        string description = new string('d', 4094) + "\U0001F600" + "tail";

        await message.DeadLetterAsync("r", description, TestContext.Current.CancellationToken);

        string sent = Assert.Single(_recorder.Calls).Description!;
        Assert.Equal(new string('d', 4094) + "\u2026", sent);
    }

    [Fact]
    public async Task AbandonAsync_Unsettled_AbandonsWithUncancellableToken()
    {
        ServiceBusReceivedMessage received = TestMessages.Create("m-1");
        var message = Wrap(received);

        await message.AbandonAsync(new CancellationToken(canceled: true));

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal("Abandon", call.Kind);
        Assert.Same(received, call.Message);
        Assert.False(call.Token.CanBeCanceled);
    }

    [Fact]
    public async Task SettleTwice_SecondCall_ThrowsAndBrokerSeesOneSettlement()
    {
        var message = Wrap(TestMessages.Create("m-1"));
        await message.CompleteAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => message.AbandonAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => message.DeadLetterAsync("r", "d", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => message.CompleteAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Complete", Assert.Single(_recorder.Calls).Kind);
    }

    [Fact]
    public async Task Settlement_WhileBrokerCallInFlight_NotCompleteUntilCallReturns()
    {
        _recorder.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = Wrap(TestMessages.Create("m-1"));

        Task complete = message.CompleteAsync(TestContext.Current.CancellationToken);
        await _recorder.FirstCall.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);

        Assert.False(message.Released.IsCompleted);
        _recorder.Gate.SetResult();
        await complete.WaitAsync(TestMessages.Timeout, TestContext.Current.CancellationToken);
        Assert.True(message.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Settlement_BrokerCallFails_CompletesAndFailureReachesCaller()
    {
        _recorder.Failure = new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
        var message = Wrap(TestMessages.Create("m-1"));

        ServiceBusException thrown = await Assert.ThrowsAsync<ServiceBusException>(() => message.CompleteAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, thrown.Reason);
        Assert.True(message.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task CompleteAsync_SessionMessage_SettlesThroughSessionReceiver()
    {
        ServiceBusReceivedMessage received = TestMessages.Create("m-1", sessionId: "7");
        var args = new ProcessSessionMessageEventArgs(received, new RecordingSessionReceiver(_recorder, "7"), CancellationToken.None);
        var message = new ServiceBusSourceMessage(received, new SessionReceiveScope(args), Facts);

        await message.DeadLetterAsync("Rejected", "90001", TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal(("DeadLetter", "Rejected", "90001"), (call.Kind, call.Reason, call.Description));
        Assert.False(call.Token.CanBeCanceled);
    }
}
