using TagWorker.ImApi;
using TagWorker.Merging;

namespace TagWorker.Planning;

/// <summary>What the packer needs of a user: its progress, and a place on one endpoint's ready lists.</summary>
internal interface IPackable<TSelf>
    where TSelf : class, IPackable<TSelf>
{
    UserProgress Progress { get; }

    /// <summary>The endpoint whose ready list holds the user, and the user's node in it (owned by the packer).</summary>
    ImCommand? ReadyFor { get; set; }

    LinkedListNode<TSelf>? ReadyNode { get; set; }

    /// <summary>
    /// While the next step is an open fold: the user's node in the endpoint's list of open folds in the order they
    /// last absorbed a change (owned by the packer; the backlog hold releases folds in that order).
    /// </summary>
    LinkedListNode<TSelf>? TouchedNode { get; set; }
}
