using Microsoft.Extensions.Options;
using TagWorker.ImApi;
using TagWorker.Merging;

namespace TagWorker.Planning;

/// <summary>
/// Turns users' folded changes into the fewest IM API requests that respect the limits: every
/// <see cref="ImCommand.RemoveAllTags"/> request first, then <see cref="ImCommand.RemoveTag"/>, then
/// <see cref="ImCommand.AddTag"/>. Each request has at most <c>maxUsersPerRequest</c> users (default 100), each user
/// at most once with at most <c>maxTagsPerUserPerRequest</c> tags (default 10). Sending the requests one by one in
/// list order leaves every user as its fold says. Stateless and thread-safe.
/// </summary>
public sealed class BatchPlanner
{
    private readonly int _maxUsers;
    private readonly int _maxTags;

    /// <summary>Creates a planner with explicit limits (each at least 1).</summary>
    public BatchPlanner(int maxUsersPerRequest, int maxTagsPerUserPerRequest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUsersPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagsPerUserPerRequest, 1);
        _maxUsers = maxUsersPerRequest;
        _maxTags = maxTagsPerUserPerRequest;
    }

    /// <summary>Creates a planner with the limits of <see cref="BatchingOptions"/>.</summary>
    public BatchPlanner(IOptions<BatchingOptions> options)
        : this(
            (options ?? throw new ArgumentNullException(nameof(options))).Value.MaxUsersPerRequest,
            options.Value.MaxTagsPerUserPerRequest)
    {
    }

    /// <summary>
    /// Plans the requests for <paramref name="users"/>, whose keys (accounts) must be distinct. Users with an empty
    /// change are skipped; no users, or only empty changes, give no requests.
    /// </summary>
    public IReadOnlyList<TagRequest> Plan(IReadOnlyCollection<KeyValuePair<string, UserTagChange>> users)
    {
        ArgumentNullException.ThrowIfNull(users);

        var resets = new List<PhaseEntry>();
        var removes = new List<PhaseEntry>();
        var adds = new List<PhaseEntry>();
        foreach (var (account, change) in users)
        {
            if (change.Reset)
            {
                resets.Add(new PhaseEntry(account, []));
            }

            if (change.RemoveCount > 0 || change.AddCount > 0)
            {
                string[] removeTags = change.RemoveCount > 0 ? new string[change.RemoveCount] : [];
                string[] addTags = change.AddCount > 0 ? new string[change.AddCount] : [];
                change.CopyTo(addTags, removeTags);
                if (removeTags.Length > 0)
                {
                    removes.Add(new PhaseEntry(account, removeTags));
                }

                if (addTags.Length > 0)
                {
                    adds.Add(new PhaseEntry(account, addTags));
                }
            }
        }

        var requests = new List<TagRequest>();
        PlanPhase(ImCommand.RemoveAllTags, resets, requests);
        PlanPhase(ImCommand.RemoveTag, removes, requests);
        PlanPhase(ImCommand.AddTag, adds, requests);
        return requests;
    }

    /// <summary>
    /// The steps that apply one user's fold, in the order they must be sent: the remove-all, then the removes, then
    /// the adds, each cut into chunks of at most the per-user tag limit. Add chunks follow the fold's map, which keeps
    /// the order tags were first added (a slot freed by a remove after a reset may be reused), so a cap breach
    /// usually falls on the chunk of the latest changes; which messages fail is then decided by replaying the fold
    /// one message at a time (<c>UserProgress</c>), not by the chunk order. An empty fold has no steps.
    /// </summary>
    internal IReadOnlyList<PlannedStep> StepsFor(UserTagChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var steps = new List<PlannedStep>(2);
        if (change.Reset)
        {
            steps.Add(new PlannedStep(ImCommand.RemoveAllTags, []));
        }

        if (change.RemoveCount == 0 && change.AddCount == 0)
        {
            return steps;
        }

        string[] removeTags = change.RemoveCount > 0 ? new string[change.RemoveCount] : [];
        string[] addTags = change.AddCount > 0 ? new string[change.AddCount] : [];
        change.CopyTo(addTags, removeTags);
        Chunk(ImCommand.RemoveTag, removeTags, steps);
        Chunk(ImCommand.AddTag, addTags, steps);
        return steps;
    }

    private void Chunk(ImCommand command, string[] tags, List<PlannedStep> steps)
    {
        if (tags.Length <= _maxTags)
        {
            if (tags.Length > 0)
            {
                steps.Add(new PlannedStep(command, tags));
            }

            return;
        }

        for (var start = 0; start < tags.Length; start += _maxTags)
        {
            steps.Add(new PlannedStep(command, tags.AsSpan(start, Math.Min(_maxTags, tags.Length - start)).ToArray()));
        }
    }

    /// <summary>
    /// The fewest requests one phase can take: <c>max(ceil(totalUserChunks / maxUsersPerRequest), largestUserChunkCount)</c>,
    /// where a user's tags for the phase split into chunks of at most the per-user tag limit (a remove-all is one chunk).
    /// No request holds a user twice, so a user with c chunks needs c requests; no request holds more than
    /// <paramref name="maxUsersPerRequest"/> chunks.
    /// </summary>
    public static int MinimumRequestCount(int totalUserChunks, int largestUserChunkCount, int maxUsersPerRequest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalUserChunks);
        ArgumentOutOfRangeException.ThrowIfNegative(largestUserChunkCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUsersPerRequest, 1);
        return Math.Max(CeilingDivide(totalUserChunks, maxUsersPerRequest), largestUserChunkCount);
    }

    /// <summary>The fewest requests all three phases of <paramref name="users"/> can take (the sum of <see cref="MinimumRequestCount(int, int, int)"/> per phase).</summary>
    public static int MinimumRequestCount(
        IReadOnlyCollection<KeyValuePair<string, UserTagChange>> users,
        int maxUsersPerRequest,
        int maxTagsPerUserPerRequest)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUsersPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagsPerUserPerRequest, 1);

        int resets = 0, removeChunks = 0, largestRemove = 0, addChunks = 0, largestAdd = 0;
        foreach (var (_, change) in users)
        {
            if (change.Reset)
            {
                resets++;
            }

            var remove = CeilingDivide(change.RemoveCount, maxTagsPerUserPerRequest);
            removeChunks += remove;
            largestRemove = Math.Max(largestRemove, remove);

            var add = CeilingDivide(change.AddCount, maxTagsPerUserPerRequest);
            addChunks += add;
            largestAdd = Math.Max(largestAdd, add);
        }

        return MinimumRequestCount(resets, Math.Min(resets, 1), maxUsersPerRequest)
            + MinimumRequestCount(removeChunks, largestRemove, maxUsersPerRequest)
            + MinimumRequestCount(addChunks, largestAdd, maxUsersPerRequest);
    }

    private static int CeilingDivide(int dividend, int divisor) => (dividend + divisor - 1) / divisor;

    /// <summary>
    /// Lays the users' chunks out one after another and deals chunk g to request g mod R, R being the minimum count.
    /// A user's c ≤ R chunks are consecutive, so they land in c distinct requests; each request gets at most
    /// ceil(N / R) ≤ maxUsers chunks. Within a phase a user's chunks are disjoint tag sets of one operation, so their
    /// order does not matter.
    /// </summary>
    private void PlanPhase(ImCommand command, List<PhaseEntry> entries, List<TagRequest> output)
    {
        if (entries.Count == 0)
        {
            return;
        }

        int totalChunks = 0, largest = 0;
        foreach (var entry in entries)
        {
            var chunks = ChunkCount(entry);
            totalChunks += chunks;
            largest = Math.Max(largest, chunks);
        }

        var requestCount = MinimumRequestCount(totalChunks, largest, _maxUsers);
        var capacity = CeilingDivide(totalChunks, requestCount);
        var batches = new List<UserTags>[requestCount];
        for (var i = 0; i < batches.Length; i++)
        {
            batches[i] = new List<UserTags>(capacity);
        }

        var next = 0;
        foreach (var entry in entries)
        {
            if (entry.Tags.Length <= _maxTags)
            {
                // The common case (and every remove-all): one chunk, the array the entry already owns.
                batches[next].Add(new UserTags(entry.Account, entry.Tags));
                next = next + 1 == requestCount ? 0 : next + 1;
                continue;
            }

            for (var start = 0; start < entry.Tags.Length; start += _maxTags)
            {
                var chunk = entry.Tags.AsSpan(start, Math.Min(_maxTags, entry.Tags.Length - start)).ToArray();
                batches[next].Add(new UserTags(entry.Account, chunk));
                next = next + 1 == requestCount ? 0 : next + 1;
            }
        }

        foreach (var batch in batches)
        {
            output.Add(new TagRequest(command, batch));
        }
    }

    private int ChunkCount(PhaseEntry entry) => entry.Tags.Length == 0 ? 1 : CeilingDivide(entry.Tags.Length, _maxTags);

    /// <summary>One user's tags for one phase (empty for a remove-all).</summary>
    private readonly record struct PhaseEntry(string Account, string[] Tags);
}
