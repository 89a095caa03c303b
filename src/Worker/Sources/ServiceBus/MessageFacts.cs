namespace TagWorker.Sources.ServiceBus;

/// <summary>What a <see cref="ServiceBusSourceMessage"/> reports beyond the broker message itself.</summary>
/// <param name="MaxDeliveryCount">The entity's max delivery count (<see cref="ServiceBusSourceOptions.MaxDeliveryCount"/>).</param>
/// <param name="TimeProvider">The clock for lock ends and the dead-letter time stamp.</param>
internal sealed record MessageFacts(int MaxDeliveryCount, TimeProvider TimeProvider);
