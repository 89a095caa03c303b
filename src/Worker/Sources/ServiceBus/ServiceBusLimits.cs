namespace TagWorker.Sources.ServiceBus;

/// <summary>Limits the Service Bus broker and SDK enforce on what this source and writer send.</summary>
internal static class ServiceBusLimits
{
    /// <summary>
    /// Longest dead-letter reason, and separately longest description, in UTF-16 code units: both travel as
    /// application properties and the SDK rejects longer ones with <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public const int MaxDeadLetterTextLength = 4096;

    /// <summary>Longest <c>MessageId</c> the SDK accepts.</summary>
    public const int MaxMessageIdLength = 128;

    private const char Ellipsis = '\u2026';

    /// <summary>
    /// Cuts <paramref name="value"/> to <paramref name="maxLength"/> code units, ending with an ellipsis so a reader
    /// knows it was cut, and never splitting a surrogate pair.
    /// </summary>
    public static string Truncate(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (value.Length <= maxLength)
        {
            return value;
        }

        int keep = maxLength - 1;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), [Ellipsis]);
    }
}
