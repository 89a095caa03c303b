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

    [Fact]
    public async Task AbandonAsync_WithLastError_SetsLastErrorProperty()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.AbandonAsync("91000 internal error after 8 attempts", TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal("Abandon", call.Kind);
        Assert.Equal("91000 internal error after 8 attempts", Assert.Single(call.Properties!, p => p.Key == "lastError").Value);
    }

    [Fact]
    public async Task AbandonAsync_LongLastError_TruncatedWithEllipsis()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.AbandonAsync(new string('e', 5000), TestContext.Current.CancellationToken);

        string sent = (string)Assert.Single(_recorder.Calls).Properties!["lastError"];
        Assert.Equal(SettlementProperties.MaxLastErrorLength, sent.Length);
        Assert.EndsWith("\u2026", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbandonAsync_WithoutLastError_ModifiesNoProperty()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.AbandonAsync(TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(_recorder.Calls).Properties);
    }

    [Fact]
    public async Task DeadLetterAsync_WithFailedUsers_SetsFailedUsersJsonAndDeadLetteredAt()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 10, 30, 0, TimeSpan.Zero));
        var message = Wrap(TestMessages.Create("m-1"));
        FailedUser[] failed = [new("u2", 90032, "Rejected", "tag count over limit")];

        await message.DeadLetterAsync(new DeadLetterDetails("Rejected", "1 of 3 users failed: u2 90032", failed), TestContext.Current.CancellationToken);

        SettleCall call = Assert.Single(_recorder.Calls);
        Assert.Equal(("DeadLetter", "Rejected", "1 of 3 users failed: u2 90032"), (call.Kind, call.Reason, call.Description));
        Assert.Equal(failed, FailedUsersJson.Deserialize((string)call.Properties!["failedUsers"]));
        Assert.Equal("2026-12-01T10:30:00.0000000Z", call.Properties["deadLetteredAt"]);
        Assert.False(call.Token.CanBeCanceled);
    }

    [Fact]
    public async Task DeadLetterAsync_WholeMessageFailed_NoFailedUsersButDeadLetteredAt()
    {
        var message = Wrap(TestMessages.Create("m-1"));

        await message.DeadLetterAsync("InvalidEvent", "users[0] is empty", TestContext.Current.CancellationToken);

        IDictionary<string, object> properties = Assert.Single(_recorder.Calls).Properties!;
        Assert.False(properties.ContainsKey("failedUsers"));
        Assert.True(properties.ContainsKey("deadLetteredAt"));
    }

    [Fact]
    public async Task DeadLetterAsync_FailedUsersTooLongForTheHeader_DropsErrorTextsThenTheList()
    {
        var message = Wrap(TestMessages.Create("m-1"));
        var someWithTexts = Enumerable.Range(0, 600).Select(i => new FailedUser($"user-{i}", 90032, "Rejected", new string('x', 80))).ToArray();

        await message.DeadLetterAsync(new DeadLetterDetails("Rejected", "d", someWithTexts), TestContext.Current.CancellationToken);

        IReadOnlyList<FailedUser> written = FailedUsersJson.Deserialize((string)Assert.Single(_recorder.Calls).Properties!["failedUsers"])!;
        Assert.Equal(someWithTexts.Select(u => u.User), written.Select(u => u.User));
        Assert.All(written, u => Assert.Null(u.ErrorInfo));

        var tooMany = Enumerable.Range(0, 5000).Select(i => new FailedUser($"user-{i}", 90032, "Rejected", null)).ToArray();
        var second = Wrap(TestMessages.Create("m-2"));
        await second.DeadLetterAsync(new DeadLetterDetails("Rejected", "d", tooMany), TestContext.Current.CancellationToken);

        IDictionary<string, object> properties = _recorder.Calls[1].Properties!;
        Assert.False(properties.ContainsKey("failedUsers"));
        Assert.Equal(5000, properties["failedUsersOmitted"]);
    }

    [Fact]
    public void Facts_ProcessorMessage_NoSessionMaxDeliveryCountFromOptionsLockEndUnknownIsMaxValue()
    {
        var message = Wrap(TestMessages.Create("m-1", sessionId: "3", sequenceNumber: 77));

        Assert.Null(message.SessionId);
        Assert.Equal(77, message.SequenceNumber);
        Assert.Equal(10, message.MaxDeliveryCount);
        Assert.Equal(DateTimeOffset.MaxValue, message.LockedUntil);
        Assert.False(message.LockLost.IsCancellationRequested);
    }

    [Fact]
    public void Facts_SessionMessage_SessionIdAndSessionLockEnd()
    {
        ServiceBusReceivedMessage received = TestMessages.Create("m-1", sessionId: "12");
        DateTimeOffset sessionLockedUntil = _time.GetUtcNow().AddSeconds(45);
        var receiver = new RecordingSessionReceiver(_recorder, "12") { LockedUntil = sessionLockedUntil };
        var message = new ServiceBusSourceMessage(received, new SessionReceiveScope(new ProcessSessionMessageEventArgs(received, receiver, CancellationToken.None)), Facts);

        Assert.Equal("12", message.SessionId);
        Assert.Equal(sessionLockedUntil, message.LockedUntil);
    }

    [Theory]
    [InlineData("Diagnostic-Id", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    public void DiagnosticId_FromApplicationProperty(string property, string value)
    {
        var message = Wrap(TestMessages.Create("m-1", properties: new Dictionary<string, object> { [property] = value }));

        Assert.Equal(value, message.DiagnosticId);
    }

    [Fact]
    public void DiagnosticId_BothSet_DiagnosticIdWins_NoneSet_Null()
    {
        var both = Wrap(TestMessages.Create("m-1", properties: new Dictionary<string, object> { ["traceparent"] = "tp", ["Diagnostic-Id"] = "id" }));
        var none = Wrap(TestMessages.Create("m-2"));

        Assert.Equal("id", both.DiagnosticId);
        Assert.Null(none.DiagnosticId);
    }
}
