using TagWorker.Contracts;

namespace TagWorker.Demo;

/// <summary>
/// The reference model: every user's tags after applying events one by one, in order. The demo and the end-to-end
/// tests compare the simulator's final state with it.
/// </summary>
public sealed class TagStateModel
{
    private readonly Dictionary<string, HashSet<string>> _users = new(StringComparer.Ordinal);

    public void Apply(TagChangeEvent tagEvent)
    {
        foreach (var account in tagEvent.Users)
        {
            if (!_users.TryGetValue(account, out var tags))
            {
                tags = new HashSet<string>(StringComparer.Ordinal);
                _users.Add(account, tags);
            }

            switch (tagEvent.Op)
            {
                case TagOperation.Add:
                    tags.UnionWith(tagEvent.Tags);
                    break;
                case TagOperation.Remove:
                    tags.ExceptWith(tagEvent.Tags);
                    break;
                default:
                    tags.Clear();
                    break;
            }
        }
    }

    /// <summary>Users whose tags differ between the model and <paramref name="actual"/> (a missing user has no tags).</summary>
    public IReadOnlyList<string> Differences(IReadOnlyDictionary<string, IReadOnlyList<string>> actual)
    {
        var differences = new List<string>();
        foreach (var (account, expected) in _users)
        {
            var got = actual.TryGetValue(account, out var tags) ? tags : [];
            if (!expected.SetEquals(got))
            {
                differences.Add($"{account}: expected [{string.Join(',', expected.Order(StringComparer.Ordinal))}], got [{string.Join(',', got.Order(StringComparer.Ordinal))}]");
            }
        }

        foreach (var (account, tags) in actual)
        {
            if (!_users.ContainsKey(account) && tags.Count > 0)
            {
                differences.Add($"{account}: expected no tags, got [{string.Join(',', tags)}]");
            }
        }

        return differences;
    }

    public int UserCount => _users.Count;
}
