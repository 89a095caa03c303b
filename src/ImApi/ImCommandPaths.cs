using System.Diagnostics.CodeAnalysis;

namespace TagWorker.ImApi;

/// <summary>
/// Maps <see cref="ImCommand"/> to the last path segment of its URL (<c>/v4/all_member_push/{segment}</c>) and back.
/// </summary>
public static class ImCommandPaths
{
    /// <summary>The service segment every user-tag command lives under.</summary>
    public const string ServicePath = "v4/all_member_push";

    /// <summary><c>im_add_tag</c>.</summary>
    public const string AddTag = "im_add_tag";

    /// <summary><c>im_remove_tag</c>.</summary>
    public const string RemoveTag = "im_remove_tag";

    /// <summary><c>im_remove_all_tags</c>.</summary>
    public const string RemoveAllTags = "im_remove_all_tags";

    /// <summary><c>im_get_tag</c>.</summary>
    public const string GetTag = "im_get_tag";

    /// <summary>The command's segment, e.g. <c>im_add_tag</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined command.</exception>
    public static string ToSegment(ImCommand command) => command switch
    {
        ImCommand.AddTag => AddTag,
        ImCommand.RemoveTag => RemoveTag,
        ImCommand.RemoveAllTags => RemoveAllTags,
        ImCommand.GetTag => GetTag,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown IM command."),
    };

    /// <summary>The path below the host, e.g. <c>v4/all_member_push/im_add_tag</c> (no leading slash).</summary>
    public static string ToPath(ImCommand command) => ServicePath + "/" + ToSegment(command);

    /// <summary>Parses a segment such as <c>im_add_tag</c> (exact, case-sensitive, as the vendor's URLs are).</summary>
    public static bool TryParse(string? segment, [NotNullWhen(true)] out ImCommand? command)
    {
        command = segment switch
        {
            AddTag => ImCommand.AddTag,
            RemoveTag => ImCommand.RemoveTag,
            RemoveAllTags => ImCommand.RemoveAllTags,
            GetTag => ImCommand.GetTag,
            _ => null,
        };
        return command is not null;
    }
}
