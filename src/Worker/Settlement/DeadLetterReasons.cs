namespace TagWorker.Settlement;

/// <summary>The dead-letter reasons TagWorker sets; operators filter on these, so they are part of the outside interface.</summary>
public static class DeadLetterReasons
{
    /// <summary>The message body is not a valid tag-change event; the description names the field and value.</summary>
    public const string InvalidEvent = "InvalidEvent";

    /// <summary>
    /// A session message names a user whose partition is not the message's session: applied, it could race the
    /// same user's changes in another session. The description names the user, its partition and the SessionId.
    /// </summary>
    public const string WrongSession = "WrongSession";

    /// <summary>The API refused a user's change even when sent alone (e.g. the user would exceed 100 tags).</summary>
    public const string Rejected = "Rejected";
}
