namespace TagWorker.Contracts;

/// <summary>
/// The limits a <see cref="TagChangeEvent"/> must respect. Byte limits count UTF-8 bytes (a Chinese character is 3),
/// because that is how the IM API counts; counts of users and tags are of distinct values (duplicates are folded).
/// </summary>
public static class TagEventLimits
{
    /// <summary>The only contract version this assembly reads and writes.</summary>
    public const int Version = 1;

    /// <summary>Longest tag, in UTF-8 bytes (IM <c>im_add_tag</c>: "单个标签最大长度为50字节").</summary>
    public const int MaxTagBytes = 50;

    /// <summary>Most distinct tags in one event; a user can hold no more than 100 tags in IM anyway.</summary>
    public const int MaxTagsPerEvent = 100;

    /// <summary>Longest IM account (UserID), in UTF-8 bytes (IM account import: "UserID 长度不超过32字节").</summary>
    public const int MaxAccountBytes = 32;

    /// <summary>Most distinct users in one event: bounds the memory one message can pin in the worker.</summary>
    public const int MaxUsersPerEvent = 10_000;

    /// <summary>
    /// Longest <c>eventId</c>, in UTF-16 characters: publishers are asked to send it as the Service Bus
    /// <c>MessageId</c>, which is limited to 128 characters.
    /// </summary>
    public const int MaxEventIdLength = 128;

    /// <summary>
    /// Most errors listed for one event; the rest are counted in one final <see cref="EventValidationCodes.ErrorsTruncated"/>
    /// entry so that a bad event of 10,000 users yields a bounded dead-letter description.
    /// </summary>
    public const int MaxReportedErrors = 50;

    /// <summary>Longest offending value quoted in an error, in UTF-16 characters; longer ones end in an ellipsis.</summary>
    public const int MaxReportedValueLength = 64;
}
