using System.Globalization;

namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// The application properties the source sets when it settles: <c>lastError</c> on an abandon, and on a dead letter
/// <c>failedUsers</c> (<see cref="FailedUsersJson"/>) and <c>deadLetteredAt</c>, since the broker stamps no time on a
/// dead letter. All of a message's properties share the broker's 64 KB header limit with the dead-letter reason and
/// description, so each text is bounded.
/// </summary>
internal static class SettlementProperties
{
    /// <summary>When the worker dead-lettered the message: ISO 8601 UTC (round-trip format).</summary>
    public const string DeadLetteredAtPropertyName = "deadLetteredAt";

    /// <summary>
    /// Set instead of <c>failedUsers</c> when the list does not fit even without the vendor's error texts: how many
    /// users failed. The description still names them as far as it reaches.
    /// </summary>
    public const string FailedUsersOmittedPropertyName = "failedUsersOmitted";

    /// <summary>Longest <c>lastError</c>, in UTF-16 code units: enough for a code and the vendor's text.</summary>
    public const int MaxLastErrorLength = 1024;

    /// <summary>
    /// Longest <c>failedUsers</c> JSON, in UTF-16 code units: what is left of the 64 KB header beside the reason and
    /// description (4096 each) and the system properties. About 500 users with error texts, 1,000 without.
    /// </summary>
    public const int MaxFailedUsersLength = 48 * 1024;

    /// <summary>The properties of an abandon, or null when there is nothing to record.</summary>
    public static Dictionary<string, object>? ForAbandon(string? lastError) =>
        string.IsNullOrEmpty(lastError)
            ? null
            : new() { [FailedUsersJson.LastErrorPropertyName] = ServiceBusLimits.Truncate(lastError, MaxLastErrorLength) };

    /// <summary>The properties of a dead letter.</summary>
    /// <remarks>
    /// A list too long for the header is written without the vendor's error texts; if it still does not fit it is
    /// left out and <see cref="FailedUsersOmittedPropertyName"/> says how many users it had. Never a cut list: a
    /// replay would take it for the whole set of failed users.
    /// </remarks>
    public static Dictionary<string, object> ForDeadLetter(DeadLetterDetails details, DateTimeOffset now)
    {
        var properties = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [DeadLetteredAtPropertyName] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (details.FailedUsers is not { } failed)
        {
            return properties;
        }

        string json = FailedUsersJson.Serialize(failed)!;
        if (json.Length > MaxFailedUsersLength)
        {
            json = FailedUsersJson.Serialize([.. failed.Select(static user => user with { ErrorInfo = null })])!;
        }

        if (json.Length <= MaxFailedUsersLength)
        {
            properties[FailedUsersJson.PropertyName] = json;
        }
        else
        {
            properties[FailedUsersOmittedPropertyName] = failed.Count;
        }

        return properties;
    }
}
