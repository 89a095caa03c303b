using TagWorker.Contracts;

namespace TagWorker.Tests.Pipeline;

/// <summary>Tag-change events for pipeline tests (the coordinator takes them parsed; intake tests use JSON).</summary>
internal static class PipelineEvents
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static TagChangeEvent Add(string id, string[] users, params string[] tags) => new(1, id, At, TagOperation.Add, users, tags);

    public static TagChangeEvent Remove(string id, string[] users, params string[] tags) => new(1, id, At, TagOperation.Remove, users, tags);

    public static TagChangeEvent RemoveAll(string id, string[] users) => new(1, id, At, TagOperation.RemoveAll, users, []);

    /// <summary><paramref name="count"/> distinct tags <c>{prefix}00</c>, <c>{prefix}01</c>, ….</summary>
    public static string[] Tags(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i:00}")];
}
