namespace TagWorker.Sources;

/// <summary>
/// Why a message is dead-lettered: the reason (one of <c>DeadLetterReasons</c>, or the broker's), a description
/// for people, and for machines the users whose change failed, or null when the whole message failed (an invalid
/// or mis-partitioned event).
/// </summary>
public sealed record DeadLetterDetails(string Reason, string Description, IReadOnlyList<FailedUser>? FailedUsers);
