namespace TagWorker.Contracts.Internal;

/// <summary>The JSON names of the v1 fields, which double as the <see cref="EventValidationError.Field"/> names.</summary>
internal static class WireNames
{
    public const string Root = "$";
    public const string Version = "version";
    public const string EventId = "eventId";
    public const string OccurredAt = "occurredAt";
    public const string Op = "op";
    public const string Users = "users";
    public const string Tags = "tags";
    public const string ReplayOf = "replayOf";

    public static bool IsField(string name) =>
        name is Version or EventId or OccurredAt or Op or Users or Tags or ReplayOf;

    public static string Item(string array, int index) => $"{array}[{index}]";
}
