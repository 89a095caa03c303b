using TagWorker.ImApi;

namespace TagWorker.Benchmarks.Compare;

/// <summary>The API out of the way: every call succeeds at once, nothing is sent. For the intake measurement only.</summary>
internal sealed class InstantImTagClient : IImTagClient
{
    private static readonly Task<ImCallResult> Applied = Task.FromResult(new ImCallResult(ImOutcomeKind.Success, 0, string.Empty, 200, null));

    public Task<ImCallResult> SendAsync(TagRequest request, CancellationToken cancellationToken) => Applied;

    public Task<ImGetTagsResult> GetTagsAsync(IReadOnlyList<string> accounts, CancellationToken cancellationToken) =>
        Task.FromResult(new ImGetTagsResult(Applied.Result, [.. accounts.Select(static a => new UserTags(a, []))]));
}
