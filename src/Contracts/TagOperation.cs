namespace TagWorker.Contracts;

/// <summary>What a <see cref="TagChangeEvent"/> does to each of its users. JSON names: <c>add</c>, <c>remove</c>, <c>removeAll</c>.</summary>
public enum TagOperation
{
    /// <summary>Adds the event's tags to each user.</summary>
    Add,

    /// <summary>Removes the event's tags from each user.</summary>
    Remove,

    /// <summary>Removes every tag of each user; carries no tags.</summary>
    RemoveAll,
}
