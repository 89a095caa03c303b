namespace TagWorker.Contracts;

/// <summary>
/// The values of <see cref="EventValidationError.Code"/>. They are part of the contract (dead-letter descriptions and
/// publishers' dashboards match on them): new codes may be added, existing ones are never renamed.
/// </summary>
public static class EventValidationCodes
{
    /// <summary>The body is not well-formed UTF-8 JSON (empty, syntax error, invalid UTF-8, unpaired surrogate escape).</summary>
    public const string MalformedJson = "MalformedJson";

    /// <summary>Well-formed JSON of the wrong shape: the body is not an object, or a field has the wrong JSON type.</summary>
    public const string InvalidFieldType = "InvalidFieldType";

    /// <summary>A field of the contract appears more than once in the object (which one wins would be ambiguous).</summary>
    public const string DuplicateProperty = "DuplicateProperty";

    /// <summary><c>version</c> is absent or null.</summary>
    public const string MissingVersion = "MissingVersion";

    /// <summary><c>version</c> is not 1. The other fields are not checked: their meaning depends on the version.</summary>
    public const string UnsupportedVersion = "UnsupportedVersion";

    /// <summary><c>eventId</c> is absent, null or empty.</summary>
    public const string MissingEventId = "MissingEventId";

    /// <summary><c>eventId</c> is longer than <see cref="TagEventLimits.MaxEventIdLength"/> characters.</summary>
    public const string EventIdTooLong = "EventIdTooLong";

    /// <summary><c>occurredAt</c> is absent, null or empty.</summary>
    public const string MissingOccurredAt = "MissingOccurredAt";

    /// <summary><c>occurredAt</c> is not an RFC 3339 date-time with an offset (e.g. <c>2026-11-25T10:00:00Z</c>).</summary>
    public const string InvalidOccurredAt = "InvalidOccurredAt";

    /// <summary><c>op</c> is absent, null or empty.</summary>
    public const string MissingOp = "MissingOp";

    /// <summary><c>op</c> is not exactly <c>add</c>, <c>remove</c> or <c>removeAll</c> (case-sensitive).</summary>
    public const string UnknownOp = "UnknownOp";

    /// <summary><c>users</c> is absent, null or empty.</summary>
    public const string MissingUsers = "MissingUsers";

    /// <summary>More than <see cref="TagEventLimits.MaxUsersPerEvent"/> distinct users.</summary>
    public const string TooManyUsers = "TooManyUsers";

    /// <summary>An account is the empty string.</summary>
    public const string EmptyAccount = "EmptyAccount";

    /// <summary>An account is longer than <see cref="TagEventLimits.MaxAccountBytes"/> UTF-8 bytes.</summary>
    public const string AccountTooLong = "AccountTooLong";

    /// <summary><c>add</c> or <c>remove</c> without tags (absent, null or empty).</summary>
    public const string MissingTags = "MissingTags";

    /// <summary><c>removeAll</c> with a non-empty <c>tags</c> array.</summary>
    public const string TagsNotAllowed = "TagsNotAllowed";

    /// <summary>More than <see cref="TagEventLimits.MaxTagsPerEvent"/> distinct tags.</summary>
    public const string TooManyTags = "TooManyTags";

    /// <summary>A tag is the empty string.</summary>
    public const string EmptyTag = "EmptyTag";

    /// <summary>A tag is longer than <see cref="TagEventLimits.MaxTagBytes"/> UTF-8 bytes.</summary>
    public const string TagTooLong = "TagTooLong";

    /// <summary><c>replayOf</c> is longer than <see cref="TagEventLimits.MaxEventIdLength"/> characters.</summary>
    public const string ReplayOfTooLong = "ReplayOfTooLong";

    /// <summary>An account, tag, <c>eventId</c> or <c>replayOf</c> contains a control character (U+0000–U+001F, U+007F–U+009F) or an unpaired surrogate.</summary>
    public const string InvalidCharacter = "InvalidCharacter";

    /// <summary>
    /// Not an error of its own: the last entry when more than <see cref="TagEventLimits.MaxReportedErrors"/> errors
    /// were found; its message says how many more there were.
    /// </summary>
    public const string ErrorsTruncated = "ErrorsTruncated";
}
