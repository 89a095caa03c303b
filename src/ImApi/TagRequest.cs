namespace TagWorker.ImApi;

/// <summary>
/// One call to a user-tag endpoint as the planner produces it and the client sends it: the command and its users,
/// each user at most once. For <see cref="ImCommand.RemoveAllTags"/> the users' tag lists are empty.
/// </summary>
public sealed record TagRequest(ImCommand Command, IReadOnlyList<UserTags> Users);
