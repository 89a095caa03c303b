namespace TagWorker.Sources.ServiceBus;

/// <summary>How much one <see cref="MessagePump"/> scope takes and how long it waits.</summary>
/// <param name="WindowSize">Capacity of the source-wide window of unsettled messages.</param>
/// <param name="ScopeBudget">Messages one handler scope takes before it drains and returns.</param>
/// <param name="MaxScopeDuration">How long one scope keeps taking messages before it drains and returns.</param>
/// <param name="ReceiveWaitTime">How long a receive waits for the next message; null for the SDK's TryTimeout.</param>
/// <param name="MaxReceiveBatch">The most one receive asks for.</param>
/// <param name="PrefetchCount">Messages the receiver may hold prefetched (abandoned on stop without sessions).</param>
internal readonly record struct PumpLimits(int WindowSize, int ScopeBudget, TimeSpan MaxScopeDuration, TimeSpan? ReceiveWaitTime, int MaxReceiveBatch, int PrefetchCount);
