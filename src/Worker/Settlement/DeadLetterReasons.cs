namespace TagWorker.Settlement;

/// <summary>The dead-letter reasons TagWorker sets; operators filter on these, so they are part of the outside interface.</summary>
public static class DeadLetterReasons
{
    /// <summary>The message body is not a valid tag-change event; the description names the field and value.</summary>
    public const string InvalidEvent = "InvalidEvent";

    /// <summary>A retryable fault persisted through <c>Retry:MaxAttempts</c> attempts.</summary>
    public const string RetriesExhausted = "RetriesExhausted";

    /// <summary>The API rejected a user's change even when sent alone (e.g. the user would exceed 100 tags).</summary>
    public const string Rejected = "Rejected";
}
