using TagWorker.Contracts.Internal;

namespace TagWorker.Contracts;

/// <summary>
/// Builds valid v1 events for publishers. Arguments are checked by the same rules, codes and messages as
/// <see cref="TagChangeEventParser"/>; users and tags are de-duplicated (order of first appearance kept), so what
/// is returned serializes (with <see cref="TagChangeEventSerializer"/>) to a body the worker accepts.
/// </summary>
public static class TagChangeEvents
{
    /// <summary>An event adding <paramref name="tags"/> to each of <paramref name="users"/>.</summary>
    /// <exception cref="ArgumentException">
    /// An argument breaks the contract; the message lists every error as <see cref="TagChangeEventParseResult.Describe"/> does.
    /// </exception>
    public static TagChangeEvent Add(
        string eventId, DateTimeOffset occurredAt, IReadOnlyList<string> users, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Create(TagOperation.Add, eventId, occurredAt, users, tags);
    }

    /// <summary>An event removing <paramref name="tags"/> from each of <paramref name="users"/>.</summary>
    /// <inheritdoc cref="Add" path="/exception"/>
    public static TagChangeEvent Remove(
        string eventId, DateTimeOffset occurredAt, IReadOnlyList<string> users, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Create(TagOperation.Remove, eventId, occurredAt, users, tags);
    }

    /// <summary>An event removing every tag of each of <paramref name="users"/>.</summary>
    /// <inheritdoc cref="Add" path="/exception"/>
    public static TagChangeEvent RemoveAll(string eventId, DateTimeOffset occurredAt, IReadOnlyList<string> users) =>
        Create(TagOperation.RemoveAll, eventId, occurredAt, users, []);

    private static TagChangeEvent Create(
        TagOperation op,
        string eventId,
        DateTimeOffset occurredAt,
        IReadOnlyList<string> users,
        IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(users);

        var errors = new ValidationErrorCollector();
        TagChangeEventValidator.ValidateEventId(eventId, errors);
        var distinctUsers = TagChangeEventValidator.ValidateUsers(users, errors);
        var distinctTags = TagChangeEventValidator.ValidateTags(op, tags, errors);
        if (errors.First is { } first)
        {
            throw new ArgumentException(ValidationErrorCollector.Describe(errors.ToList()), ParameterOf(first.Field));
        }

        return new TagChangeEvent(TagEventLimits.Version, eventId, occurredAt, op, distinctUsers, distinctTags);
    }

    // The JSON field names are the parameter names; "users[3]" belongs to parameter "users".
    private static string ParameterOf(string field)
    {
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? field : field[..bracket];
    }
}
