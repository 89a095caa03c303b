using TagWorker.Demo;

namespace TagWorker.Benchmarks.Compare;

/// <summary>One stream of the side-by-side run: the queue's bodies in order, the model they lead to, and the folded minimum.</summary>
internal sealed record CompareStream(string Name, string Description, IReadOnlyList<byte[]> Bodies, TagStateModel Model, FoldedMinimum Minimum)
{
    public int Events => Bodies.Count;
}
