namespace TagWorker.Contracts.Internal;

/// <summary>
/// Collects the errors of one event, keeping the first <see cref="TagEventLimits.MaxReportedErrors"/> and counting
/// the rest, so that one bad event cannot produce an unbounded report.
/// </summary>
internal sealed class ValidationErrorCollector
{
    private readonly List<EventValidationError> _errors = [];
    private int _dropped;

    public bool HasErrors => _errors.Count > 0;

    public EventValidationError? First => _errors.Count > 0 ? _errors[0] : null;

    /// <param name="code">One of <see cref="EventValidationCodes"/>.</param>
    /// <param name="field">The JSON path of the offending field.</param>
    /// <param name="shownValue">The value as <see cref="DisplayValue.Of"/> renders it, or null.</param>
    /// <param name="message">The sentence, which quotes <paramref name="shownValue"/> where there is one.</param>
    public void Add(string code, string field, string? shownValue, string message)
    {
        if (_errors.Count < TagEventLimits.MaxReportedErrors)
        {
            _errors.Add(new EventValidationError(code, field, shownValue, message));
        }
        else
        {
            _dropped++;
        }
    }

    public IReadOnlyList<EventValidationError> ToList()
    {
        if (_dropped == 0)
        {
            return _errors.ToArray();
        }

        var all = new EventValidationError[_errors.Count + 1];
        _errors.CopyTo(all);
        all[^1] = new EventValidationError(
            EventValidationCodes.ErrorsTruncated,
            WireNames.Root,
            null,
            $"{_dropped} more errors not listed (only the first {TagEventLimits.MaxReportedErrors} are)");
        return all;
    }

    public static string Describe(IReadOnlyList<EventValidationError> errors) => string.Join("; ", errors);
}
