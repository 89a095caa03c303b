using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagWorker.Cli;

/// <summary>The human-readable forms the <c>deadletters</c> verbs print.</summary>
internal static class DeadLetterText
{
    private const int ListDescriptionLength = 120;

    public static string ListHeader { get; } = Row("ID", "REASON", "DELIVERIES", "DEAD-LETTERED (UTC)", "OP", "USERS", "FAILED", "DESCRIPTION");

    public static string ListRow(DeadLetterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var record = view.Record;
        return Row(
            record.Id,
            record.Reason,
            record.DeliveryCount.ToString(CultureInfo.InvariantCulture),
            record.DeadLetteredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            view.Op ?? "-",
            view.Event?.Users.Count.ToString(CultureInfo.InvariantCulture) ?? "-",
            view.FailedAccounts?.Count.ToString(CultureInfo.InvariantCulture) ?? "all",
            Shorten(OneLine(record.Description), ListDescriptionLength));
    }

    public static string Details(DeadLetterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var record = view.Record;
        var text = new StringBuilder();
        Field(text, "id", record.Id);
        Field(text, "message id", record.MessageId);
        Field(text, "event id", view.Event?.EventId ?? "(the body is not a valid event)");
        if (view.Event?.ReplayOf is { } replayOf)
        {
            Field(text, "replay of", replayOf);
        }

        Field(text, "reason", record.Reason);
        Field(text, "description", OneLine(record.Description));
        Field(text, "delivery count", record.DeliveryCount.ToString(CultureInfo.InvariantCulture));
        Field(text, "enqueued at", Timestamp(record.EnqueuedAt));
        Field(text, "dead-lettered at", Timestamp(record.DeadLetteredAt));
        if (record.SessionId is { } sessionId)
        {
            Field(text, "session id", sessionId);
        }

        if (record.LastError is { } lastError)
        {
            Field(text, "last error", OneLine(lastError));
        }

        if (view.Event is { } tagEvent)
        {
            Field(text, "event", string.Create(CultureInfo.InvariantCulture, $"{view.Op} of {tagEvent.Users.Count} user{(tagEvent.Users.Count == 1 ? string.Empty : "s")}, occurred at {Timestamp(tagEvent.OccurredAt)}{(tagEvent.Tags.Count > 0 ? $", tags {string.Join(", ", tagEvent.Tags)}" : string.Empty)}"));
        }
        else
        {
            Field(text, "body error", view.Parsed.Describe());
        }

        if (record.FailedUsers is { } failedUsers)
        {
            Field(text, "failed users", string.Create(CultureInfo.InvariantCulture, $"{failedUsers.Count}{(view.Event is { } e ? $" of {e.Users.Count}" : string.Empty)}"));
            foreach (var user in failedUsers)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {user.User}  code {user.Code}  {user.Reason}{(string.IsNullOrEmpty(user.ErrorInfo) ? string.Empty : $"  {OneLine(user.ErrorInfo)}")}").AppendLine();
            }
        }
        else
        {
            Field(text, "failed users", "all (the whole message failed)");
        }

        var plan = DeadLetterReplayer.Plan(view, "(new)");
        Field(text, "replay", plan.Replay is { } replay
            ? string.Create(CultureInfo.InvariantCulture, $"would send {view.Op} to {replay.Users.Count} of {plan.OriginalUserCount} users as a new event")
            : $"refused: {plan.Refusal}");

        var (body, isJson) = Body(record.Body);
        text.AppendLine(isJson ? "body:" : "body (not JSON, as received):");
        text.AppendLine(body);
        return text.ToString();
    }

    public static string Replay(ReplayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var replay = result.Plan.Replay;
        var sent = replay is null ? string.Empty : string.Create(CultureInfo.InvariantCulture,
            $"{DeadLetterView.OperationName(replay.Op)} for {replay.Users.Count} of {result.Plan.OriginalUserCount} users ({Accounts(replay.Users)}) as event {replay.EventId} (replayOf {replay.ReplayOf})");
        return result.Status switch
        {
            ReplayStatus.Replayed => $"replayed {result.Id}: sent {sent}; {result.Detail}",
            ReplayStatus.Refused => $"refused {result.Id}: {result.Detail}; dead letter kept",
            ReplayStatus.SendFailed => $"failed {result.Id}: sending {sent} failed: {result.Detail}; dead letter kept",
            ReplayStatus.RemoveFailed or ReplayStatus.AlreadyRemoved => $"failed {result.Id}: sent {sent}, but {result.Detail}",
            _ => $"failed {result.Id}: {result.Detail}",
        };
    }

    public static string Purged(DeadLetterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return $"purged {view.Record.Id}: {view.Record.Reason}, {(view.Event is { } e ? string.Create(CultureInfo.InvariantCulture, $"{view.Op} of {e.Users.Count} users, event {e.EventId}") : "body not a valid event")}";
    }

    public static string NotFound(string id) => $"not found {id}: no such dead letter";

    private static string Row(string id, string reason, string deliveries, string deadLetteredAt, string op, string users, string failed, string description) =>
        string.Create(CultureInfo.InvariantCulture, $"{id,-12} {reason,-24} {deliveries,10} {deadLetteredAt,-19} {op,-9} {users,6} {failed,6}  {description}");

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name,-17}{value}").AppendLine();

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string Accounts(IReadOnlyList<string> users) =>
        users.Count <= 5 ? string.Join(", ", users) : $"{string.Join(", ", users.Take(5))}, … {users.Count - 5} more";

    /// <summary>Indented JSON when the body is well-formed JSON; otherwise its text, control characters escaped.</summary>
    private static (string Text, bool IsJson) Body(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }

            return (Encoding.UTF8.GetString(buffer.ToArray()), true);
        }
        catch (JsonException)
        {
            return (Escape(Encoding.UTF8.GetString(body.Span)), false);
        }
    }

    // A dead letter's text may come from anyone: escape control characters so it cannot rewrite the terminal.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c is '\n' or '\t' || !char.IsControl(c)
                ? escaped.Append(c)
                : escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }

        return escaped.ToString();
    }

    private static string OneLine(string text) => Escape(text.ReplaceLineEndings(" "));

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
