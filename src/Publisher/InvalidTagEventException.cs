using System.Globalization;
using TagWorker.Contracts;

namespace TagWorker.Publisher;

/// <summary>
/// An event given to the publisher breaks the contract (<c>docs/events.md</c>); the call sent nothing. The message
/// names the event by position and <c>eventId</c> and lists every error as <c>field: message</c>.
/// </summary>
public sealed class InvalidTagEventException : ArgumentException
{
    public InvalidTagEventException()
        : this("An event breaks the contract.")
    {
    }

    public InvalidTagEventException(string message)
        : base(message)
    {
        Errors = [];
    }

    public InvalidTagEventException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <param name="index">The event's position in the call.</param>
    /// <param name="eventId">Its <c>eventId</c> when it has a usable one; null otherwise.</param>
    /// <param name="errors">What is wrong, as the contract's parser reports it (at least one).</param>
    /// <param name="paramName">The argument that held the event.</param>
    public InvalidTagEventException(int index, string? eventId, IReadOnlyList<EventValidationError> errors, string? paramName)
        : base(Describe(index, eventId, errors), paramName)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Index = index;
        EventId = eventId;
        Errors = errors;
    }

    /// <summary>The position of the invalid event in the call (the first invalid one).</summary>
    public int Index { get; }

    /// <summary>Its <c>eventId</c>, when it had a usable one.</summary>
    public string? EventId { get; }

    /// <summary>Every error found in it, with the contract's codes (<see cref="EventValidationCodes"/>) and fields.</summary>
    public IReadOnlyList<EventValidationError> Errors { get; }

    private static string Describe(int index, string? eventId, IReadOnlyList<EventValidationError> errors)
    {
        string name = eventId is null
            ? string.Create(CultureInfo.InvariantCulture, $"Event {index}")
            : string.Create(CultureInfo.InvariantCulture, $"Event {index} (eventId '{eventId}')");
        return $"{name} breaks the contract, nothing was sent: {string.Join("; ", errors)}";
    }
}
