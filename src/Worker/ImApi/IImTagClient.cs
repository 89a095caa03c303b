namespace TagWorker.ImApi;

/// <summary>
/// Sends one request to the IM user-tag API and reports the outcome. Makes exactly one attempt (retries, backoff and
/// rate limiting belong to the dispatcher) and never throws for HTTP, network or parse failures; only the caller's
/// cancellation surfaces, as <see cref="OperationCanceledException"/>.
/// </summary>
public interface IImTagClient
{
    /// <summary>Sends <paramref name="request"/> (add, remove or remove-all) and classifies the answer.</summary>
    Task<ImCallResult> SendAsync(TagRequest request, CancellationToken cancellationToken);

    /// <summary>Reads the tags of up to 100 <paramref name="accounts"/> (<c>im_get_tag</c>).</summary>
    Task<ImGetTagsResult> GetTagsAsync(IReadOnlyList<string> accounts, CancellationToken cancellationToken);
}
