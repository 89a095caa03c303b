namespace TagWorker.ImSimulator.Api;

/// <summary>The documented limits of the user-tag API (vendor pages im_add_tag, im_remove_all_tags, im_get_tag).</summary>
internal static class TagApiLimits
{
    /// <summary>Accounts in one request, every endpoint ("每次最多只能给100个用户…").</summary>
    public const int MaxAccountsPerRequest = 100;

    /// <summary>Tags for one user in one <c>im_add_tag</c> request ("单个用户添加标签数最多为10个").</summary>
    public const int MaxTagsPerUserPerAdd = 10;

    /// <summary>Tags one user may hold ("单个用户可设置最大标签数为100个").</summary>
    public const int MaxTagsPerUser = 100;

    /// <summary>UTF-8 bytes of one tag ("单个标签最大长度为50字节").</summary>
    public const int MaxTagBytes = 50;
}
