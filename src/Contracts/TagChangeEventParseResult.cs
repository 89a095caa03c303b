using System.Diagnostics.CodeAnalysis;
using TagWorker.Contracts.Internal;

namespace TagWorker.Contracts;

/// <summary>
/// The outcome of <see cref="TagChangeEventParser.Parse"/>: either a validated event or every error found
/// (at most <see cref="TagEventLimits.MaxReportedErrors"/> listed, the rest counted), never both.
/// </summary>
public sealed class TagChangeEventParseResult
{
    private TagChangeEventParseResult(TagChangeEvent? @event, IReadOnlyList<EventValidationError> errors)
    {
        Event = @event;
        Errors = errors;
    }

    /// <summary>True iff <see cref="Event"/> is set and there are no errors.</summary>
    [MemberNotNullWhen(true, nameof(Event))]
    public bool IsValid => Event is not null && Errors.Count == 0;

    /// <summary>
    /// The validated event with users and tags de-duplicated (order of first appearance kept) and <c>Tags</c> empty
    /// for <see cref="TagOperation.RemoveAll"/>; null when the body is invalid.
    /// </summary>
    public TagChangeEvent? Event { get; }

    /// <summary>Every error found, in field order; empty when valid.</summary>
    public IReadOnlyList<EventValidationError> Errors { get; }

    /// <summary>
    /// One line listing all errors as <c>field: message</c> joined by <c>"; "</c> (suitable for a dead-letter
    /// description), or <c>valid</c> when there are none.
    /// </summary>
    public string Describe() => IsValid ? "valid" : ValidationErrorCollector.Describe(Errors);

    internal static TagChangeEventParseResult Valid(TagChangeEvent @event) => new(@event, []);

    internal static TagChangeEventParseResult Invalid(IReadOnlyList<EventValidationError> errors) =>
        errors.Count > 0 ? new(null, errors) : throw new ArgumentException("An invalid result needs errors.", nameof(errors));
}
