using System.Text;
using TagWorker.Dispatch;
using TagWorker.Sources;

namespace TagWorker.Settlement;

/// <summary>
/// Builds the dead-letter decision for a message some of whose users the API refused: reason <c>Rejected</c>, a
/// description for people ("1 of 3 users failed: u2: 90032 (…)") and the failed users for machines. The text stops
/// growing past <see cref="MaxLength"/> so that a request of a thousand failed users does not build a huge string;
/// each source applies its broker's own limit (Service Bus: 4096 characters, in <c>ServiceBusLimits</c>).
/// </summary>
internal static class DeadLetterDescription
{
    public const int MaxLength = 4096;

    public static SettlementDecision For(IReadOnlyList<UserOutcome> failures, int userCount)
    {
        var text = new StringBuilder();
        text.Append(failures.Count).Append(" of ").Append(userCount).Append(userCount == 1 ? " user" : " users").Append(" failed: ");
        var failedUsers = new FailedUser[failures.Count];
        var complete = true;
        for (var i = 0; i < failures.Count; i++)
        {
            var failure = failures[i];
            failedUsers[i] = new FailedUser(failure.Account, failure.ErrorCode, DeadLetterReasons.Rejected, failure.ErrorInfo);
            if (!complete)
            {
                continue;
            }

            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(failure.Account).Append(": ").Append(DeadLetterReasons.Rejected).Append(' ').Append(failure.ErrorCode);
            if (!string.IsNullOrEmpty(failure.ErrorInfo))
            {
                text.Append(" (").Append(failure.ErrorInfo).Append(')');
            }

            if (text.Length > MaxLength && i < failures.Count - 1)
            {
                text.Append("; …");
                complete = false;
            }
        }

        return SettlementDecision.DeadLetter(DeadLetterReasons.Rejected, text.ToString(), failedUsers);
    }
}
