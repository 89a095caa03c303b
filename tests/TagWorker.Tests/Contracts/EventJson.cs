using System.Text;
using TagWorker.Contracts;

namespace TagWorker.Tests.Contracts;

/// <summary>Test bodies: a valid v1 event and ways to parse JSON text.</summary>
internal static class EventJson
{
    public const string ValidAdd =
        """{"version":1,"eventId":"e-1","occurredAt":"2026-11-25T10:00:00Z","op":"add","users":["u1","u2"],"tags":["vip","beta"]}""";

    public static TagChangeEventParseResult Parse(string json) => TagChangeEventParser.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>A valid add event with one field's JSON value replaced (or the field removed when the value is null).</summary>
    public static string AddWith(string field, string? jsonValue)
    {
        var fields = new List<(string Name, string Value)>
        {
            ("version", "1"),
            ("eventId", "\"e-1\""),
            ("occurredAt", "\"2026-11-25T10:00:00Z\""),
            ("op", "\"add\""),
            ("users", "[\"u1\",\"u2\"]"),
            ("tags", "[\"vip\",\"beta\"]"),
        };
        var index = fields.FindIndex(f => f.Name == field);
        if (jsonValue is null)
        {
            fields.RemoveAt(index);
        }
        else
        {
            fields[index] = (field, jsonValue);
        }

        return "{" + string.Join(",", fields.Select(f => $"\"{f.Name}\":{f.Value}")) + "}";
    }

    public static string JsonArray(IEnumerable<string> items) => "[" + string.Join(",", items.Select(i => $"\"{i}\"")) + "]";
}
