using System.Text;
using System.Text.Json;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// Explains why the source-generated deserializer rejected a body. The serializer stops at the first problem and
/// its exception does not say whether the JSON was broken or merely of the wrong shape, so on that (rare) path the
/// body is read once more with <see cref="Utf8JsonReader"/> to name every structural problem precisely.
/// </summary>
internal static class JsonShapeDiagnostics
{
    public static IReadOnlyList<EventValidationError> Diagnose(ReadOnlySpan<byte> body, JsonException serializerError)
    {
        if (FindSyntaxError(body) is { } syntax)
        {
            return [syntax];
        }

        var shape = FindShapeErrors(body);
        if (shape.Count > 0)
        {
            return shape;
        }

        // Not expected: every serializer failure should be explained above. Still report what the serializer said.
        return
        [
            new EventValidationError(
                EventValidationCodes.InvalidFieldType,
                FieldOf(serializerError.Path),
                null,
                serializerError.Message),
        ];
    }

    private static EventValidationError? FindSyntaxError(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !CanTranscode(ref reader))
                {
                    var (line, column) = Position(body, reader.TokenStartIndex);
                    return Malformed(line, column, "a string is not valid UTF-8 or holds an unpaired surrogate escape");
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return Malformed((ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, WithoutPosition(ex.Message));
        }
    }

    private static bool CanTranscode(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static List<EventValidationError> FindShapeErrors(ReadOnlySpan<byte> body)
    {
        var errors = new ValidationErrorCollector();
        var reader = new Utf8JsonReader(body);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            errors.Add(
                EventValidationCodes.InvalidFieldType,
                WireNames.Root,
                null,
                $"the body must be a JSON object, found {Describe(reader.TokenType)}");
            return [.. errors.ToList()];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!WireNames.IsField(name))
            {
                reader.Skip();
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add(EventValidationCodes.DuplicateProperty, name, null, $"{name} appears more than once");
                reader.Skip();
                continue;
            }

            if (name == WireNames.Version && reader.TokenType == JsonTokenType.Number)
            {
                // Any number but the integer 1 is a version we cannot read; it overrides every other finding.
                if (!reader.TryGetInt32(out var version) || version != TagEventLimits.Version)
                {
                    return [TagChangeEventValidator.UnsupportedVersion(Encoding.UTF8.GetString(reader.ValueSpan))];
                }
            }
            else if (name is WireNames.Users or WireNames.Tags && reader.TokenType == JsonTokenType.StartArray)
            {
                CheckStringArray(ref reader, name, errors);
            }
            else if (reader.TokenType != JsonTokenType.Null && !HasExpectedType(name, reader.TokenType))
            {
                errors.Add(
                    EventValidationCodes.InvalidFieldType,
                    name,
                    null,
                    $"{name} must be {ExpectedType(name)}, found {Describe(reader.TokenType)}");
                reader.Skip();
            }
        }

        return [.. errors.ToList()];
    }

    private static void CheckStringArray(ref Utf8JsonReader reader, string name, ValidationErrorCollector errors)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                errors.Add(
                    EventValidationCodes.InvalidFieldType,
                    WireNames.Item(name, index),
                    null,
                    $"{name} must hold strings, found {Describe(reader.TokenType)}");
                reader.Skip();
            }

            index++;
        }
    }

    private static bool HasExpectedType(string name, JsonTokenType token) => name switch
    {
        WireNames.Version => token == JsonTokenType.Number,
        WireNames.Users or WireNames.Tags => token == JsonTokenType.StartArray,
        _ => token == JsonTokenType.String,
    };

    private static string ExpectedType(string name) => name switch
    {
        WireNames.Version => "an integer",
        WireNames.Users or WireNames.Tags => "an array of strings",
        _ => "a string",
    };

    private static EventValidationError Malformed(long line, long column, string reason) => new(
        EventValidationCodes.MalformedJson,
        WireNames.Root,
        null,
        $"malformed JSON at line {line}, byte {column}: {reason}");

    private static (long Line, long Column) Position(ReadOnlySpan<byte> body, long offset)
    {
        var before = body[..(int)offset];
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, offset - lastNewline);
    }

    // The reader's message ends in " LineNumber: n | BytePositionInLine: m." with 0-based numbers; ours are 1-based.
    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd();
    }

    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == WireNames.Root ? WireNames.Root
        : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..]
        : path;

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
