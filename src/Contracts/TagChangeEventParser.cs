using System.Globalization;
using System.Text.Json;
using TagWorker.Contracts.Internal;

namespace TagWorker.Contracts;

/// <summary>
/// Reads a queue message body (UTF-8 JSON, optionally with a byte-order mark) into a validated
/// <see cref="TagChangeEvent"/> v1. Field names and <c>op</c> values are case-sensitive; unknown fields are ignored;
/// <c>null</c> counts as absent; accounts and tags are taken verbatim (no trimming, no case folding) and duplicates
/// are folded in order of first appearance. Never throws for bad input: every problem is in the result.
/// </summary>
public static class TagChangeEventParser
{
    /// <summary>Parses and validates one event. Thread-safe; uses no reflection.</summary>
    public static TagChangeEventParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        var body = utf8Json.StartsWith("\uFEFF"u8) ? utf8Json[3..] : utf8Json;
        TagChangeEventJson? wire;
        try
        {
            wire = JsonSerializer.Deserialize(body, TagChangeEventJsonContext.Default.TagChangeEventJson);
        }
        catch (JsonException ex)
        {
            return TagChangeEventParseResult.Invalid(JsonShapeDiagnostics.Diagnose(body, ex));
        }

        if (wire is null)
        {
            return TagChangeEventParseResult.Invalid(
            [
                new EventValidationError(
                    EventValidationCodes.InvalidFieldType, WireNames.Root, null, "the body must be a JSON object, found null"),
            ]);
        }

        return Validate(wire);
    }

    private static TagChangeEventParseResult Validate(TagChangeEventJson wire)
    {
        var errors = new ValidationErrorCollector();
        if (wire.Version is null)
        {
            errors.Add(EventValidationCodes.MissingVersion, WireNames.Version, null, "no version");
        }
        else if (wire.Version != TagEventLimits.Version)
        {
            // The other fields mean what that version says, so judging them by v1 rules would only add noise.
            return TagChangeEventParseResult.Invalid(
                [TagChangeEventValidator.UnsupportedVersion(wire.Version.Value.ToString(CultureInfo.InvariantCulture))]);
        }

        TagChangeEventValidator.ValidateEventId(wire.EventId, errors);
        var occurredAt = ParseOccurredAt(wire.OccurredAt, errors);
        var op = ParseOp(wire.Op, errors);
        var users = TagChangeEventValidator.ValidateUsers(wire.Users, errors);
        var tags = TagChangeEventValidator.ValidateTags(op, wire.Tags, errors);
        var replayOf = TagChangeEventValidator.ValidateReplayOf(wire.ReplayOf, errors);
        if (errors.HasErrors)
        {
            return TagChangeEventParseResult.Invalid(errors.ToList());
        }

        return TagChangeEventParseResult.Valid(
            new TagChangeEvent(TagEventLimits.Version, wire.EventId!, occurredAt!.Value, op!.Value, users, tags) { ReplayOf = replayOf });
    }

    private static DateTimeOffset? ParseOccurredAt(string? value, ValidationErrorCollector errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(EventValidationCodes.MissingOccurredAt, WireNames.OccurredAt, null, "no occurredAt");
            return null;
        }

        if (WireTimestamp.TryParse(value, out var occurredAt))
        {
            return occurredAt;
        }

        var shown = DisplayValue.Of(value);
        errors.Add(
            EventValidationCodes.InvalidOccurredAt,
            WireNames.OccurredAt,
            shown,
            $"occurredAt '{shown}' is not an RFC 3339 date-time with an offset, e.g. 2026-11-25T10:00:00Z");
        return null;
    }

    private static TagOperation? ParseOp(string? value, ValidationErrorCollector errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(EventValidationCodes.MissingOp, WireNames.Op, null, "no op");
            return null;
        }

        if (WireOperation.TryParse(value, out var op))
        {
            return op;
        }

        var shown = DisplayValue.Of(value);
        errors.Add(
            EventValidationCodes.UnknownOp,
            WireNames.Op,
            shown,
            $"op '{shown}' is unknown; expected add, remove or removeAll (case-sensitive)");
        return null;
    }
}
