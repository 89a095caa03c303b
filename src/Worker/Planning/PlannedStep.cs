using TagWorker.ImApi;

namespace TagWorker.Planning;

/// <summary>One user's part of one request: the endpoint and the tags (none for a remove-all), within the limits.</summary>
internal readonly record struct PlannedStep(ImCommand Command, IReadOnlyList<string> Tags);
