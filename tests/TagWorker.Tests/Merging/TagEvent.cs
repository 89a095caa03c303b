using TagWorker.Contracts;

namespace TagWorker.Tests.Merging;

/// <summary>One user's share of a tag-change event, as the merger sees it.</summary>
public sealed record TagEvent(string User, TagOperation Op, string[] Tags)
{
    public override string ToString() => $"{User}:{Op}[{string.Join(',', Tags)}]";
}
