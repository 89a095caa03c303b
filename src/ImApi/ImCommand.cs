namespace TagWorker.ImApi;

/// <summary>The user-tag endpoints under <c>/v4/all_member_push/</c>. Each is rate-limited on its own (100 calls/s).</summary>
public enum ImCommand
{
    /// <summary><c>im_add_tag</c>: ≤100 users, ≤10 tags a user a request.</summary>
    AddTag,

    /// <summary><c>im_remove_tag</c>: ≤100 users a request.</summary>
    RemoveTag,

    /// <summary><c>im_remove_all_tags</c>: ≤100 accounts a request.</summary>
    RemoveAllTags,

    /// <summary><c>im_get_tag</c>: ≤100 accounts a request.</summary>
    GetTag,
}
