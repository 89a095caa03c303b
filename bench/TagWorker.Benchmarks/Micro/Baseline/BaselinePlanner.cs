using TagWorker.ImApi;
using TagWorker.Planning;

namespace TagWorker.Benchmarks.Micro.Baseline;

/// <summary>
/// <see cref="BatchPlanner.Plan"/> as shipped, over <see cref="DictionaryTagChange"/>: the per-user part reads the
/// change the same way (reset, counts, one copy into two arrays), and the packing of each phase is the shipped
/// planner's own (users laid out in chunks, chunk g to request g mod R), so the baseline differs only in the fold.
/// </summary>
internal sealed class BaselinePlanner(int maxUsersPerRequest, int maxTagsPerUserPerRequest)
{
    public List<TagRequest> Plan(Dictionary<string, DictionaryTagChange> users)
    {
        var resets = new List<(string Account, string[] Tags)>();
        var removes = new List<(string Account, string[] Tags)>();
        var adds = new List<(string Account, string[] Tags)>();
        foreach (var (account, change) in users)
        {
            if (change.Reset)
            {
                resets.Add((account, []));
            }

            if (change.RemoveCount > 0 || change.AddCount > 0)
            {
                string[] removeTags = change.RemoveCount > 0 ? new string[change.RemoveCount] : [];
                string[] addTags = change.AddCount > 0 ? new string[change.AddCount] : [];
                change.CopyTo(addTags, removeTags);
                if (removeTags.Length > 0)
                {
                    removes.Add((account, removeTags));
                }

                if (addTags.Length > 0)
                {
                    adds.Add((account, addTags));
                }
            }
        }

        var requests = new List<TagRequest>();
        PlanPhase(ImCommand.RemoveAllTags, resets, requests);
        PlanPhase(ImCommand.RemoveTag, removes, requests);
        PlanPhase(ImCommand.AddTag, adds, requests);
        return requests;
    }

    private void PlanPhase(ImCommand command, List<(string Account, string[] Tags)> entries, List<TagRequest> output)
    {
        if (entries.Count == 0)
        {
            return;
        }

        int totalChunks = 0, largest = 0;
        foreach (var entry in entries)
        {
            var chunks = entry.Tags.Length == 0 ? 1 : (entry.Tags.Length + maxTagsPerUserPerRequest - 1) / maxTagsPerUserPerRequest;
            totalChunks += chunks;
            largest = Math.Max(largest, chunks);
        }

        var requestCount = BatchPlanner.MinimumRequestCount(totalChunks, largest, maxUsersPerRequest);
        var capacity = (totalChunks + requestCount - 1) / requestCount;
        var batches = new List<UserTags>[requestCount];
        for (var i = 0; i < batches.Length; i++)
        {
            batches[i] = new List<UserTags>(capacity);
        }

        var next = 0;
        foreach (var (account, tags) in entries)
        {
            for (var start = 0; start < Math.Max(tags.Length, 1); start += maxTagsPerUserPerRequest)
            {
                var chunk = tags.Length <= maxTagsPerUserPerRequest ? tags : tags.AsSpan(start, Math.Min(maxTagsPerUserPerRequest, tags.Length - start)).ToArray();
                batches[next].Add(new UserTags(account, chunk));
                next = next + 1 == requestCount ? 0 : next + 1;
            }
        }

        foreach (var batch in batches)
        {
            output.Add(new TagRequest(command, batch));
        }
    }
}
