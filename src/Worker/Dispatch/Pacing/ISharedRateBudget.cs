using TagWorker.ImApi;

namespace TagWorker.Dispatch.Pacing;

/// <summary>
/// A rate budget several worker processes draw from (the API's limit belongs to the whole app, not one process). The
/// pacer asks it for each call after its own pace allowed the call, one call at a time per endpoint.
/// </summary>
internal interface ISharedRateBudget
{
    /// <summary>Takes one call's slot of <paramref name="command"/>'s shared budget, or says how long until one is free.</summary>
    ValueTask<SharedTake> TakeAsync(ImCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// The API refused one of this process's calls to <paramref name="command"/> with a frequency limit: hold every
    /// process's calls back briefly, so that the API's window drains (the shared twin of the pacer's cut). Never
    /// throws: a budget it cannot reach is the take's concern.
    /// </summary>
    ValueTask HoldAsync(ImCommand command, CancellationToken cancellationToken);
}
