using System.Globalization;
using System.Text;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// The v1 rules shared by the parser (for consumers) and <see cref="TagChangeEvents"/> (for publishers), so both
/// report the same codes and messages. Each method adds every error it finds; none stops at the first.
/// </summary>
internal static class TagChangeEventValidator
{
    /// <summary>Up to this many items, duplicates are found by a linear look instead of a set.</summary>
    private const int LinearDuplicateCheckLimit = 8;

    /// <summary>The error for a <c>version</c> other than 1, given as the number was written.</summary>
    public static EventValidationError UnsupportedVersion(string version)
    {
        var shown = DisplayValue.Of(version);
        return new EventValidationError(
            EventValidationCodes.UnsupportedVersion,
            WireNames.Version,
            shown,
            $"version {shown} is not supported, only {TagEventLimits.Version} is");
    }

    public static void ValidateEventId(string? eventId, ValidationErrorCollector errors)
    {
        if (string.IsNullOrEmpty(eventId))
        {
            errors.Add(EventValidationCodes.MissingEventId, WireNames.EventId, null, "no eventId");
            return;
        }

        if (eventId.Length > TagEventLimits.MaxEventIdLength)
        {
            var shown = DisplayValue.Of(eventId);
            errors.Add(
                EventValidationCodes.EventIdTooLong,
                WireNames.EventId,
                shown,
                $"eventId '{shown}' is {eventId.Length} characters, the limit is {TagEventLimits.MaxEventIdLength}");
        }

        ValidateCharacters(eventId, "eventId", WireNames.EventId, errors);
    }

    /// <summary>
    /// <c>replayOf</c> is optional (null or empty counts as absent); when present it holds an <c>eventId</c>, so the
    /// same length and character rules apply.
    /// </summary>
    /// <returns>The value, or null when absent.</returns>
    public static string? ValidateReplayOf(string? replayOf, ValidationErrorCollector errors)
    {
        if (string.IsNullOrEmpty(replayOf))
        {
            return null;
        }

        if (replayOf.Length > TagEventLimits.MaxEventIdLength)
        {
            var shown = DisplayValue.Of(replayOf);
            errors.Add(
                EventValidationCodes.ReplayOfTooLong,
                WireNames.ReplayOf,
                shown,
                $"replayOf '{shown}' is {replayOf.Length} characters, the limit is {TagEventLimits.MaxEventIdLength}");
        }

        ValidateCharacters(replayOf, "replayOf", WireNames.ReplayOf, errors);
        return replayOf;
    }

    /// <returns>The distinct accounts in order of first appearance (nulls left out).</returns>
    public static IReadOnlyList<string> ValidateUsers(IReadOnlyList<string?>? users, ValidationErrorCollector errors)
    {
        if (users is null || users.Count == 0)
        {
            errors.Add(EventValidationCodes.MissingUsers, WireNames.Users, null, "no users");
            return [];
        }

        var distinct = ValidateItems(
            users,
            WireNames.Users,
            new ItemRules("account", EventValidationCodes.EmptyAccount, EventValidationCodes.AccountTooLong, TagEventLimits.MaxAccountBytes),
            errors);
        if (distinct.Length > TagEventLimits.MaxUsersPerEvent)
        {
            errors.Add(
                EventValidationCodes.TooManyUsers,
                WireNames.Users,
                distinct.Length.ToString(CultureInfo.InvariantCulture),
                $"{distinct.Length} distinct users, the limit is {TagEventLimits.MaxUsersPerEvent}");
        }

        return distinct;
    }

    /// <summary>
    /// Checks the tags against the operation: <paramref name="op"/> is null when it is missing or unknown, and then
    /// only the tags themselves are checked.
    /// </summary>
    /// <returns>The distinct tags in order of first appearance; empty for <see cref="TagOperation.RemoveAll"/>.</returns>
    public static IReadOnlyList<string> ValidateTags(
        TagOperation? op, IReadOnlyList<string?>? tags, ValidationErrorCollector errors)
    {
        var count = tags?.Count ?? 0;
        if (op == TagOperation.RemoveAll)
        {
            if (count > 0)
            {
                var shown = DisplayValue.Of(string.Join(",", tags!));
                errors.Add(
                    EventValidationCodes.TagsNotAllowed,
                    WireNames.Tags,
                    shown,
                    $"removeAll carries no tags, found {count} ('{shown}')");
            }

            return [];
        }

        if (count == 0)
        {
            if (op is { } known)
            {
                errors.Add(
                    EventValidationCodes.MissingTags,
                    WireNames.Tags,
                    null,
                    $"no tags: {WireOperation.NameOf(known)} needs at least one");
            }

            return [];
        }

        var distinct = ValidateItems(
            tags!,
            WireNames.Tags,
            new ItemRules("tag", EventValidationCodes.EmptyTag, EventValidationCodes.TagTooLong, TagEventLimits.MaxTagBytes),
            errors);
        if (distinct.Length > TagEventLimits.MaxTagsPerEvent)
        {
            errors.Add(
                EventValidationCodes.TooManyTags,
                WireNames.Tags,
                distinct.Length.ToString(CultureInfo.InvariantCulture),
                $"{distinct.Length} distinct tags, the limit is {TagEventLimits.MaxTagsPerEvent}");
        }

        return distinct;
    }

    /// <summary>
    /// The distinct items in order of first appearance, as an array of exactly their number: a held message keeps
    /// them for as long as it is in the pipeline's window, so no list object and no spare capacity.
    /// </summary>
    private static string[] ValidateItems(
        IReadOnlyList<string?> items, string array, ItemRules rules, ValidationErrorCollector errors)
    {
        var distinct = new string[items.Count];
        var count = 0;
        // Most events carry a handful of items: a linear look is cheaper than a set for those.
        var seen = items.Count > LinearDuplicateCheckLimit ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add(
                    EventValidationCodes.InvalidFieldType,
                    WireNames.Item(array, i),
                    null,
                    $"expected {Article(rules.Noun)} {rules.Noun} string, found null");
                continue;
            }

            // Duplicates are folded, not errors; a bad value repeated is reported once, at its first index.
            if (seen is null ? Array.IndexOf(distinct, item, 0, count) >= 0 : !seen.Add(item))
            {
                continue;
            }

            distinct[count++] = item;
            ValidateItem(item, array, i, rules, errors);
        }

        if (count < distinct.Length)
        {
            Array.Resize(ref distinct, count);
        }

        return distinct;
    }

    // The field's path and the value as shown are built only for an error: a valid event (nearly all of them) costs
    // no string beyond its own.
    private static void ValidateItem(string item, string array, int index, ItemRules rules, ValidationErrorCollector errors)
    {
        if (item.Length == 0)
        {
            errors.Add(rules.EmptyCode, WireNames.Item(array, index), item, $"empty {rules.Noun}");
            return;
        }

        // At most 3 UTF-8 bytes a UTF-16 char, so a short item needs no count.
        var bytes = item.Length * 3 <= rules.MaxBytes ? 0 : Encoding.UTF8.GetByteCount(item);
        if (bytes > rules.MaxBytes)
        {
            var shown = DisplayValue.Of(item);
            errors.Add(
                rules.TooLongCode,
                WireNames.Item(array, index),
                shown,
                $"{rules.Noun} '{shown}' is {bytes} UTF-8 bytes, the limit is {rules.MaxBytes}");
        }

        if (FirstInvalidCharacter(item) >= 0)
        {
            ValidateCharacters(item, rules.Noun, WireNames.Item(array, index), errors);
        }
    }

    /// <summary>
    /// Control characters are never meaningful in an account, tag or id and usually mean a publisher bug (a stray
    /// newline from a file); unpaired surrogates cannot be encoded as UTF-8 at all. Reports the first one only.
    /// </summary>
    private static void ValidateCharacters(string value, string noun, string field, ValidationErrorCollector errors)
    {
        var i = FirstInvalidCharacter(value);
        if (i < 0)
        {
            return;
        }

        var c = value[i];
        var what = char.IsControl(c) ? "control character" : "unpaired surrogate";
        var shown = DisplayValue.Of(value);
        errors.Add(
            EventValidationCodes.InvalidCharacter,
            field,
            shown,
            $"{noun} '{shown}' contains {what} U+{(int)c:X4} at index {i}");
    }

    /// <summary>The index of the first control character or unpaired surrogate, or -1.</summary>
    private static int FirstInvalidCharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogatePair(value, i))
            {
                i++;
                continue;
            }

            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Article(string noun) => noun.StartsWith('a') ? "an" : "a";

    private readonly record struct ItemRules(string Noun, string EmptyCode, string TooLongCode, int MaxBytes);
}
