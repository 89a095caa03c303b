using System.Globalization;
using System.Text;
using TagWorker.Contracts;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// Finds unpaired surrogates in an event object before it is serialized. The contract refuses them
/// (<see cref="EventValidationCodes.InvalidCharacter"/>), but UTF-8 cannot encode them, so the serializer would
/// replace them with U+FFFD and the parser would then accept a different event than the one given.
/// </summary>
internal static class UnpairedSurrogates
{
    public static List<EventValidationError> Find(TagChangeEvent e)
    {
        var errors = new List<EventValidationError>();
        Check(e.EventId, "eventId", "eventId", errors);
        CheckAll(e.Users, "users", "account", errors);
        CheckAll(e.Tags, "tags", "tag", errors);
        return errors;
    }

    private static void CheckAll(IReadOnlyList<string>? values, string array, string noun, List<EventValidationError> errors)
    {
        if (values is null)
        {
            return;
        }

        for (int i = 0; i < values.Count; i++)
        {
            Check(values[i], string.Create(CultureInfo.InvariantCulture, $"{array}[{i}]"), noun, errors);
        }
    }

    private static void Check(string? value, string field, string noun, List<EventValidationError> errors)
    {
        if (value is null)
        {
            return;
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsSurrogatePair(value, i))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                string shown = Show(value);
                errors.Add(new EventValidationError(
                    EventValidationCodes.InvalidCharacter,
                    field,
                    shown,
                    string.Create(CultureInfo.InvariantCulture, $"{noun} '{shown}' contains unpaired surrogate U+{(int)value[i]:X4} at index {i}")));
                return;
            }
        }
    }

    // As the contract's error values: control characters and (here) unpaired surrogates as \uXXXX, cut at 64 characters.
    private static string Show(string value)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (builder.Length >= TagEventLimits.MaxReportedValueLength)
            {
                return builder.Append('…').ToString();
            }

            char c = value[i];
            if (char.IsSurrogatePair(value, i))
            {
                builder.Append(value, i, 2);
                i++;
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
