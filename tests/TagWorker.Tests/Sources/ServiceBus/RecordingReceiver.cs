using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>A <see cref="ServiceBusReceiver"/> test double (SDK mocking seam) that records settlement calls.</summary>
internal sealed class RecordingReceiver(SettlementRecorder recorder) : ServiceBusReceiver
{
    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("Complete", message, null, null, cancellationToken));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("DeadLetter", message, deadLetterReason, deadLetterErrorDescription, cancellationToken));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object> propertiesToModify, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("DeadLetter", message, deadLetterReason, deadLetterErrorDescription, cancellationToken, propertiesToModify));

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("Abandon", message, null, null, cancellationToken, propertiesToModify));
}

/// <summary>A <see cref="ServiceBusSessionReceiver"/> test double that records settlement calls.</summary>
internal sealed class RecordingSessionReceiver(SettlementRecorder recorder, string sessionId) : ServiceBusSessionReceiver
{
    public override string SessionId => sessionId;

    /// <summary>The session lock's end as the processor's renewals left it; <c>default</c> (unknown) unless set.</summary>
    public DateTimeOffset LockedUntil { get; set; }

    public override DateTimeOffset SessionLockedUntil => LockedUntil;

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("Complete", message, null, null, cancellationToken));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("DeadLetter", message, deadLetterReason, deadLetterErrorDescription, cancellationToken));

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object> propertiesToModify, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("DeadLetter", message, deadLetterReason, deadLetterErrorDescription, cancellationToken, propertiesToModify));

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(new SettleCall("Abandon", message, null, null, cancellationToken, propertiesToModify));
}
