using System.Text;
using TagWorker.Dispatch;

namespace TagWorker.Settlement;

/// <summary>Builds the dead-letter reason and description from the users that failed, within the broker's limits.</summary>
internal static class DeadLetterDescription
{
    /// <summary>Service Bus caps the dead-letter reason and description (application properties) at 4096 characters.</summary>
    public const int MaxLength = 4096;

    public static SettlementDecision For(IReadOnlyList<UserOutcome> failures, int userCount)
    {
        var reason = failures[0].Reason ?? DeadLetterReasons.Rejected;
        var text = new StringBuilder();
        text.Append(failures.Count).Append(" of ").Append(userCount).Append(userCount == 1 ? " user" : " users").Append(" failed: ");
        for (var i = 0; i < failures.Count; i++)
        {
            var failure = failures[i];
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(failure.Account).Append(": ").Append(failure.Reason).Append(' ').Append(failure.ErrorCode);
            if (!string.IsNullOrEmpty(failure.ErrorInfo))
            {
                text.Append(" (").Append(failure.ErrorInfo).Append(')');
            }

            if (text.Length > MaxLength)
            {
                break;
            }
        }

        return SettlementDecision.DeadLetter(reason, Truncate(text.ToString()));
    }

    public static string Truncate(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "…");
}
