using System.Runtime.InteropServices;
using TagWorker.Contracts;
using TagWorker.Merging;
using TagWorker.Planning;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// The fewest calls a backlog can take: every user's events folded into one change with the merge algebra
/// (<see cref="UserTagChange"/>), then per phase (remove-all, remove, add) the fewest requests
/// <see cref="BatchPlanner.MinimumRequestCount(int, int, int)"/> allows at 100 users and 10 tags a request. No consumer
/// that keeps each user's order can do with fewer, since a request carries a user at most once.
/// </summary>
internal sealed record FoldedMinimum(int RemoveAll, int Remove, int Add, int UserUpdates)
{
    public const int MaxUsers = 100;
    public const int MaxTags = 10;

    public int Total => RemoveAll + Remove + Add;

    public static FoldedMinimum Of(IEnumerable<TagChangeEvent> events)
    {
        var folds = new Dictionary<string, UserTagChange>(StringComparer.Ordinal);
        foreach (var tagEvent in events)
        {
            foreach (var user in tagEvent.Users)
            {
                ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(folds, user, out _);
                change ??= new UserTagChange();
                change.Apply(tagEvent.Op, tagEvent.Tags);
            }
        }

        int resets = 0, removeChunks = 0, largestRemove = 0, addChunks = 0, largestAdd = 0;
        foreach (var change in folds.Values)
        {
            resets += change.Reset ? 1 : 0;
            var removes = Chunks(change.Removes.Count);
            removeChunks += removes;
            largestRemove = Math.Max(largestRemove, removes);
            var adds = Chunks(change.Adds.Count);
            addChunks += adds;
            largestAdd = Math.Max(largestAdd, adds);
        }

        return new FoldedMinimum(
            BatchPlanner.MinimumRequestCount(resets, Math.Min(resets, 1), MaxUsers),
            BatchPlanner.MinimumRequestCount(removeChunks, largestRemove, MaxUsers),
            BatchPlanner.MinimumRequestCount(addChunks, largestAdd, MaxUsers),
            resets + removeChunks + addChunks);
    }

    private static int Chunks(int tags) => (tags + MaxTags - 1) / MaxTags;
}
