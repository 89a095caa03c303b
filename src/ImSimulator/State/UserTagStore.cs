using TagWorker.ImApi;

namespace TagWorker.ImSimulator.State;

/// <summary>
/// Every user's tag set. Each call is applied atomically under one lock: a request is all-or-nothing, and concurrent
/// requests see each other's effects whole. Accounts and tags compare ordinally (case-sensitive), as the vendor's do.
/// </summary>
internal sealed class UserTagStore
{
    private readonly Dictionary<string, HashSet<string>> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// Adds each entry's tags unless some user would then hold more than <paramref name="maxTagsPerUser"/>; in that case
    /// nothing is applied and that user is returned.
    /// </summary>
    public TagCapBreach? TryAdd(IReadOnlyList<UserTags> entries, int maxTagsPerUser)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                var held = _users.TryGetValue(entry.Account, out var tags) ? tags : null;
                var after = held is null ? entry.Tags.Distinct(StringComparer.Ordinal).Count() : CountUnion(held, entry.Tags);
                if (after > maxTagsPerUser)
                {
                    return new TagCapBreach(entry.Account, after);
                }
            }

            foreach (var entry in entries)
            {
                if (entry.Tags.Count == 0)
                {
                    continue;
                }

                if (!_users.TryGetValue(entry.Account, out var tags))
                {
                    tags = new HashSet<string>(StringComparer.Ordinal);
                    _users.Add(entry.Account, tags);
                }

                tags.UnionWith(entry.Tags);
            }

            return null;
        }
    }

    /// <summary>Removes each entry's tags; tags a user does not hold are ignored.</summary>
    public void Remove(IReadOnlyList<UserTags> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (_users.TryGetValue(entry.Account, out var tags))
                {
                    tags.ExceptWith(entry.Tags);
                    if (tags.Count == 0)
                    {
                        _users.Remove(entry.Account);
                    }
                }
            }
        }
    }

    /// <summary>Removes every tag of each account.</summary>
    public void RemoveAll(IReadOnlyList<string> accounts)
    {
        lock (_gate)
        {
            foreach (var account in accounts)
            {
                _users.Remove(account);
            }
        }
    }

    /// <summary>Each account in request order with its tags sorted ordinally (empty when it holds none).</summary>
    public IReadOnlyList<UserTags> Get(IReadOnlyList<string> accounts)
    {
        lock (_gate)
        {
            return accounts
                .Select(account => new UserTags(account, _users.TryGetValue(account, out var tags) ? Sorted(tags) : []))
                .ToList();
        }
    }

    /// <summary>Every user holding at least one tag, with the tags sorted ordinally.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot()
    {
        lock (_gate)
        {
            return _users.ToDictionary(user => user.Key, IReadOnlyList<string> (user) => Sorted(user.Value), StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _users.Clear();
        }
    }

    private static int CountUnion(HashSet<string> held, IReadOnlyList<string> added) =>
        held.Count + added.Distinct(StringComparer.Ordinal).Count(tag => !held.Contains(tag));

    private static List<string> Sorted(HashSet<string> tags)
    {
        var list = tags.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
