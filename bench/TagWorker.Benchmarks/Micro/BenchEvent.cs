using TagWorker.Contracts;

namespace TagWorker.Benchmarks.Micro;

/// <summary>One user's share of a tag-change event, as the merger receives it.</summary>
internal readonly record struct BenchEvent(string User, TagOperation Op, string[] Tags);
