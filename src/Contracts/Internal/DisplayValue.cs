using System.Text;

namespace TagWorker.Contracts.Internal;

/// <summary>
/// Makes an offending value safe to put in a log line or a dead-letter description: control characters become
/// <c>\uXXXX</c> (so a value cannot forge log lines) and long values are cut, never inside a surrogate pair.
/// </summary>
internal static class DisplayValue
{
    public const char Ellipsis = '…';

    public static string? Of(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var max = TagEventLimits.MaxReportedValueLength;
        var builder = new StringBuilder(Math.Min(value.Length, max + 1));
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var width = char.IsControl(c) ? 6 : char.IsSurrogatePair(value, i) ? 2 : 1;
            if (builder.Length + width > max)
            {
                return builder.Append(Ellipsis).ToString();
            }

            if (char.IsControl(c))
            {
                builder.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(value, i, width);
                i += width - 1;
            }
        }

        return builder.ToString();
    }
}
