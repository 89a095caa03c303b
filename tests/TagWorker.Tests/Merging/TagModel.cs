using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Merging;

namespace TagWorker.Tests.Merging;

/// <summary>The reference semantics the merger and planner are checked against: events and requests applied one by one.</summary>
public static class TagModel
{
    public static void ApplyEvent(ISet<string> state, TagEvent e)
    {
        switch (e.Op)
        {
            case TagOperation.Add:
                state.UnionWith(e.Tags);
                break;
            case TagOperation.Remove:
                state.ExceptWith(e.Tags);
                break;
            case TagOperation.RemoveAll:
                state.Clear();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Op, "Unknown operation.");
        }
    }

    public static void ApplyRequest(Dictionary<string, HashSet<string>> states, TagRequest request)
    {
        foreach (var user in request.Users)
        {
            var state = StateOf(states, user.Account);
            switch (request.Command)
            {
                case ImCommand.AddTag:
                    state.UnionWith(user.Tags);
                    break;
                case ImCommand.RemoveTag:
                    state.ExceptWith(user.Tags);
                    break;
                case ImCommand.RemoveAllTags:
                    state.Clear();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(request), request.Command, "Not a write command.");
            }
        }
    }

    public static UserTagChange Fold(IEnumerable<TagEvent> events)
    {
        var change = new UserTagChange();
        foreach (var e in events)
        {
            change.Apply(e.Op, e.Tags);
        }

        return change;
    }

    /// <summary>Folds events per user in arrival order, as the merger does.</summary>
    public static Dictionary<string, UserTagChange> FoldPerUser(IEnumerable<TagEvent> events)
    {
        var changes = new Dictionary<string, UserTagChange>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!changes.TryGetValue(e.User, out var change))
            {
                change = new UserTagChange();
                changes.Add(e.User, change);
            }

            change.Apply(e.Op, e.Tags);
        }

        return changes;
    }

    public static Dictionary<string, HashSet<string>> Copy(IReadOnlyDictionary<string, string[]> states) =>
        states.ToDictionary(s => s.Key, s => new HashSet<string>(s.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    public static HashSet<string> StateOf(Dictionary<string, HashSet<string>> states, string user)
    {
        if (!states.TryGetValue(user, out var state))
        {
            state = new HashSet<string>(StringComparer.Ordinal);
            states.Add(user, state);
        }

        return state;
    }

    public static void AssertSameStates(Dictionary<string, HashSet<string>> expected, Dictionary<string, HashSet<string>> actual)
    {
        foreach (var user in expected.Keys.Union(actual.Keys))
        {
            var want = expected.GetValueOrDefault(user) ?? [];
            var got = actual.GetValueOrDefault(user) ?? [];
            Assert.True(
                want.SetEquals(got),
                $"{user}: expected [{string.Join(',', want.Order(StringComparer.Ordinal))}] got [{string.Join(',', got.Order(StringComparer.Ordinal))}]");
        }
    }
}
