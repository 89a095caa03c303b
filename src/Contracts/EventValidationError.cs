namespace TagWorker.Contracts;

/// <summary>One thing wrong with a tag-change event.</summary>
/// <param name="Code">Machine-readable kind of error, one of <see cref="EventValidationCodes"/>.</param>
/// <param name="Field">
/// Where: a JSON path relative to the event object, e.g. <c>op</c>, <c>users</c>, <c>users[3]</c>, <c>tags[0]</c>;
/// <c>$</c> for the body as a whole. Indexes are those of the array as sent.
/// </param>
/// <param name="Value">
/// The offending value, safe to log: control characters escaped as <c>\uXXXX</c> and cut to
/// <see cref="TagEventLimits.MaxReportedValueLength"/> characters followed by <c>…</c>; <see langword="null"/> when
/// there is no value (a missing field, malformed JSON).
/// </param>
/// <param name="Message">A human-readable sentence, in English, that names the value and the limit it breaks.</param>
public sealed record EventValidationError(string Code, string Field, string? Value, string Message)
{
    /// <summary>The error as <c>field: message</c>, the form <see cref="TagChangeEventParseResult.Describe"/> joins.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
