namespace TagWorker.Contracts.Internal;

/// <summary>
/// The JSON names of <see cref="TagOperation"/>. Matching is ordinal (case-sensitive): a publisher sending
/// <c>Add</c> has a bug we would rather surface than guess around.
/// </summary>
internal static class WireOperation
{
    public const string Add = "add";
    public const string Remove = "remove";
    public const string RemoveAll = "removeAll";

    public static bool TryParse(string value, out TagOperation op)
    {
        switch (value)
        {
            case Add:
                op = TagOperation.Add;
                return true;
            case Remove:
                op = TagOperation.Remove;
                return true;
            case RemoveAll:
                op = TagOperation.RemoveAll;
                return true;
            default:
                op = default;
                return false;
        }
    }

    public static string NameOf(TagOperation op) => op switch
    {
        TagOperation.Add => Add,
        TagOperation.Remove => Remove,
        TagOperation.RemoveAll => RemoveAll,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a defined TagOperation."),
    };
}
