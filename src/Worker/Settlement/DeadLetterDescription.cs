using System.Text;
using TagWorker.Dispatch;

namespace TagWorker.Settlement;

/// <summary>
/// Builds the dead-letter reason and description from the users that failed. The text stops growing past
/// <see cref="MaxLength"/> so that a request of a thousand failed users does not build a huge string; each source
/// applies its broker's own limit (Service Bus: 4096 characters, in <c>ServiceBusLimits</c>).
/// </summary>
internal static class DeadLetterDescription
{
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

            if (text.Length > MaxLength && i < failures.Count - 1)
            {
                text.Append("; …");
                break;
            }
        }

        return SettlementDecision.DeadLetter(reason, text.ToString());
    }
}
