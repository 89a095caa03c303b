using TagWorker.Contracts;
using TagWorker.Sources;

namespace TagWorker.Cli;

/// <summary>A dead letter with its body read as an event (once), as the <c>deadletters</c> verbs show it.</summary>
internal sealed class DeadLetterView
{
    public DeadLetterView(DeadLetterRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        Parsed = TagChangeEventParser.Parse(record.Body.Span);
    }

    public DeadLetterRecord Record { get; }

    public TagChangeEventParseResult Parsed { get; }

    /// <summary>The body's event, or null when it is not a valid one.</summary>
    public TagChangeEvent? Event => Parsed.Event;

    /// <summary>The event's <c>op</c> as on the wire (<c>add</c>, <c>remove</c>, <c>removeAll</c>), or null.</summary>
    public string? Op => Event is null ? null : OperationName(Event.Op);

    /// <summary>The accounts that failed, each once, or null when the whole message failed.</summary>
    public IReadOnlyList<string>? FailedAccounts => Record.FailedUsers?.Select(static u => u.User).Distinct(StringComparer.Ordinal).ToList();

    public DeadLetterLine ToLine() => new(
        Record.Id,
        Record.MessageId,
        Event?.EventId,
        Record.Reason,
        Record.Description,
        Record.DeliveryCount,
        Record.EnqueuedAt.UtcDateTime,
        Record.DeadLetteredAt.UtcDateTime,
        Op,
        Event?.Users.Count,
        FailedAccounts,
        Record.SessionId,
        Record.LastError,
        Parsed.IsValid ? null : Parsed.Describe());

    public static string OperationName(TagOperation op) => op switch
    {
        TagOperation.Add => "add",
        TagOperation.Remove => "remove",
        TagOperation.RemoveAll => "removeAll",
        _ => op.ToString(),
    };
}
