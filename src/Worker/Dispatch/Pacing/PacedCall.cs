using TagWorker.ImApi;

namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// A call the pacer let leave: its endpoint and when (a <see cref="TimeProvider.GetTimestamp"/> value). Handed back
/// with the call's answer so that the pacer can tell the answers of calls sent before its last slow-down (which say
/// nothing new) from those sent after it.
/// </summary>
public readonly record struct PacedCall(ImCommand Command, long DepartedAt);
