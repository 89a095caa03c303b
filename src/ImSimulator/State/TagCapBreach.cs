namespace TagWorker.ImSimulator.State;

/// <summary>A user an add request would push past the per-user tag cap.</summary>
/// <param name="Account">The user.</param>
/// <param name="TagsAfter">How many distinct tags the user would hold.</param>
internal sealed record TagCapBreach(string Account, int TagsAfter);
