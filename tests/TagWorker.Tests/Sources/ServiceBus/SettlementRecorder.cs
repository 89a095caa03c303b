using Azure.Messaging.ServiceBus;

namespace TagWorker.Tests.Sources.ServiceBus;

/// <summary>One settlement call that reached a test receiver.</summary>
internal sealed record SettleCall(string Kind, ServiceBusReceivedMessage Message, string? Reason, string? Description, CancellationToken Token, IDictionary<string, object>? Properties = null);

/// <summary>
/// Records the settlement calls of the test receivers; optionally holds them until <see cref="Gate"/> opens, to
/// observe what happens while a settlement is on the wire.
/// </summary>
internal sealed class SettlementRecorder
{
    private readonly List<SettleCall> _calls = [];
    private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource? Gate { get; set; }

    public Exception? Failure { get; set; }

    public Task FirstCall => _firstCall.Task;

    public IReadOnlyList<SettleCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public async Task RecordAsync(SettleCall call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }

        _firstCall.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
