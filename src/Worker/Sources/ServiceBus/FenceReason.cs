namespace TagWorker.Sources.ServiceBus;

/// <summary>Why intake waits out the entity's lock duration before it receives again (without sessions).</summary>
internal enum FenceReason
{
    /// <summary>An intake session starts: a crashed or stopped receiver may still hold messages locked.</summary>
    IntakeStarted,

    /// <summary>A receive failed: messages sent on the lost link may be locked to it.</summary>
    ReceiveFailed,

    /// <summary>A message reached hand-off with its lock (nearly) expired: it and what came after went back.</summary>
    LockExpiredAtHandOff,

    /// <summary>A handed-out message's lock was lost: the broker redelivers it behind what was received since.</summary>
    LockLost,
}
