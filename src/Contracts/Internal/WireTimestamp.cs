using System.Globalization;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// <c>occurredAt</c> as RFC 3339 (the JSON Schema <c>date-time</c> format): a date, <c>T</c>, a time with up to 7
/// fractional digits, and <c>Z</c> or a <c>±hh:mm</c> offset. A time without an offset is rejected: it would be read
/// in whatever zone the worker runs in.
/// </summary>
internal static class WireTimestamp
{
    private const string UtcFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";
    private const string OffsetFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz";
    private static readonly string[] Formats = [UtcFormat, OffsetFormat];

    public static bool TryParse(string value, out DateTimeOffset result)
    {
        // RFC 3339 allows lower-case 't' and 'z'; no other letter can appear in a valid value.
        var text = value.ToUpperInvariant();
        var hasOffset = text.EndsWith('Z')
            || (text.Length >= 6 && text[^3] == ':' && text[^6] is '+' or '-');
        if (!hasOffset)
        {
            result = default;
            return false;
        }

        return DateTimeOffset.TryParseExact(
            text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out result);
    }

    public static string Format(DateTimeOffset value) =>
        value.ToString(value.Offset == TimeSpan.Zero ? UtcFormat : OffsetFormat, CultureInfo.InvariantCulture);
}
