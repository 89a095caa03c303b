namespace TagWorker.ImApi;

/// <summary>The outcome of an <c>im_get_tag</c> call and, on success, each account's tags.</summary>
/// <param name="Outcome">The call's outcome.</param>
/// <param name="Users">The accounts and their tags as the server returned them; empty unless <see cref="IsSuccess"/>.</param>
public sealed record ImGetTagsResult(ImCallResult Outcome, IReadOnlyList<UserTags> Users)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool IsSuccess => Outcome.IsSuccess;
}
