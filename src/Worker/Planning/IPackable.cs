using TagWorker.ImApi;
using TagWorker.Merging;

namespace TagWorker.Planning;

/// <summary>What the packer needs of a user: its progress, and a place on one endpoint's ready list.</summary>
internal interface IPackable<TSelf>
    where TSelf : class, IPackable<TSelf>
{
    UserProgress Progress { get; }

    /// <summary>The endpoint whose ready list holds the user, and the user's node in it (owned by the packer).</summary>
    ImCommand? ReadyFor { get; set; }

    LinkedListNode<TSelf>? ReadyNode { get; set; }
}
